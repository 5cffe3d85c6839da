package dev.telnetkit.script

import dev.telnetkit.testkit.kotest.TelnetServerExtension
import dev.telnetkit.testkit.shouldShow
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldMatch
import java.nio.file.Files

/** The testkit's kotest extension serves a server declared in a script, through TelnetScripts. */
class ScriptServerExtensionSpec : FunSpec({
    val dir = Files.createTempDirectory("script-extension")
    val script = dir.resolve("greet.telnet.kts").also {
        Files.writeString(it, "port = 0\ncommand(\"greet\") { run { args -> writeLine(\"hello, \" + args.joinToString(\" \")) } }\n")
    }
    val server = install(TelnetServerExtension { TelnetScripts.server(script, dir.resolve("cache")) })

    test("a script's server, started for the spec, answers a client") {
        val client = server.connect()
        client.sendLine("greet ann")
        client shouldShow "hello, ann"
    }

    test("a script that does not compile is refused with file:line:column") {
        val broken = dir.resolve("broken.telnet.kts").also { Files.writeString(it, "port = 0\nnope()\n") }
        val failure = shouldThrow<TelnetScriptException> { TelnetScripts.server(broken) }
        failure.messages.first() shouldMatch Regex(".*broken\\.telnet\\.kts:2:\\d+: .*nope.*")
    }
})
