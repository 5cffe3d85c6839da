package dev.telnetkit.pty

import dev.telnetkit.session.TerminalSize
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/** pty4j's native part loads on this machine, and a program runs in a PTY of the size asked. */
class PtySpawnSpec : FunSpec({
    test("a program started in a PTY prints its output and exits with its status") {
        val program = PtyProgram.start(listOf("/bin/echo", "hi"), mapOf("PATH" to "/usr/bin:/bin"), "/", TerminalSize(80, 24))
        val text = StringBuilder()
        val buffer = ByteArray(1024)
        while (true) {
            val n = program.read(buffer)
            if (n < 0) break
            text.append(String(buffer, 0, n))
        }
        program.waitFor() shouldBe 0
        text.toString() shouldContain "hi\r\n"
        program.closeStreams()
    }

    test("the PTY has the size it was started with, and a resize changes it") {
        val program = PtyProgram.start(listOf("/bin/sleep", "30"), mapOf("PATH" to "/usr/bin:/bin"), "/", TerminalSize(100, 30))
        try {
            program.size() shouldBe TerminalSize(100, 30)
            program.resize(TerminalSize(120, 40))
            program.size() shouldBe TerminalSize(120, 40)
        } finally {
            program.terminate(java.time.Duration.ofSeconds(1))
        }
        program.isAlive shouldBe false
    }
})
