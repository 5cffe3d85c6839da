package dev.telnetkit.session

/** Thrown by `readLine(interruptible = true)` when the user presses Ctrl-C (or sends Telnet IP/BRK). */
public class InputInterruptedException : Exception("the user interrupted the input")
