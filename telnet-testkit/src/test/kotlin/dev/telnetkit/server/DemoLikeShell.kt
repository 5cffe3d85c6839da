package dev.telnetkit.server

import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandException
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.PromptProvider
import dev.telnetkit.shell.ShellSettings
import kotlinx.coroutines.delay

/** The demo's prompt (samples' DEMO_PROMPT; the testkit cannot depend on the samples). */
internal const val DEMO_LIKE_PROMPT = "Telnet Server> "

/** The demo's welcome line. */
internal const val DEMO_LIKE_WELCOME = "You have connected to the telnet server."

/**
 * A shell that behaves like the demo sample for `echo` (aliases `copy`, `repeat`), `timer
 * <seconds> <message>` (answers `Waiting N seconds...`, then shows the message with
 * `writeMessage` from a launched coroutine), the built-in `help` and `bye`, plus `secret`: reads
 * a password with `readLine("Password: ", echo = false)`, passes it to [onSecret] and answers
 * `got N chars`. Tab completes command names (the shell's completer).
 */
internal fun demoLikeShell(onSecret: (String) -> Unit = {}): CommandShell = CommandShell(
    ShellSettings(
        commands = listOf(
            Command(
                name = "echo",
                aliases = listOf("copy", "repeat"),
                usage = "<text to echo>",
                summary = "Echo text back to the console.",
                handler = CommandHandler { call -> call.writeResponse(call.args.joinToString(" ")) },
            ),
            Command(
                name = "timer",
                usage = "<seconds> <message>",
                summary = "Show a message after a number of seconds.",
                handler = CommandHandler { call ->
                    val seconds = call.args.firstOrNull()?.toIntOrNull()
                    if (seconds == null || seconds !in 0..86_400 || call.args.size < 2) throw CommandException("Usage: timer <seconds> <message>")
                    val message = call.args.drop(1).joinToString(" ")
                    call.writeResponse("Waiting $seconds seconds...")
                    call.session.launch {
                        delay(seconds * 1000L)
                        call.session.writeMessage(message)
                    }
                },
            ),
            Command(
                name = "secret",
                summary = "Read a password without showing it.",
                handler = CommandHandler { call ->
                    val password = call.session.readLine("Password: ", echo = false) ?: return@CommandHandler
                    onSecret(password)
                    call.writeResponse("got ${password.length} chars")
                },
            ),
        ),
        prompt = PromptProvider { DEMO_LIKE_PROMPT },
        welcome = DEMO_LIKE_WELCOME,
    ),
)
