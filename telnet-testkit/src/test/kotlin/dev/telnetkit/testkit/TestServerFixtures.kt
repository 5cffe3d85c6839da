package dev.telnetkit.testkit

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.TelnetServerBuilder
import dev.telnetkit.shell.Command

internal const val WELCOME = "Welcome to the test shell."

/** A shell on a free port with `echo`, a welcome, the prompt `t> ` and a login for ann / secret. */
internal fun testShell(): TelnetServerBuilder = TelnetServer.builder()
    .port(0)
    .welcome(WELCOME)
    .prompt("t> ")
    .command(Command.named("echo").handler { session, args -> session.writeResponseBlocking(args.joinToString(" ")) })
    .command(Command.named("whoami").handler { session, _ -> session.writeResponseBlocking("user=${session.username}") })
    .login { _, user, password -> user == "ann" && password == "secret" }
