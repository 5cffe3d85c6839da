package dev.telnetkit.pty

import dev.telnetkit.session.TerminalSize
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.maps.shouldContainExactly
import io.kotest.matchers.maps.shouldNotContainKey
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/** The program's environment and the settings' checks. */
class ShellEnvironmentSpec : FunSpec({
    val account = UserAccount("bbs", 1001, 1001, "/home/bbs", "/bin/bash")

    test("TERM, COLUMNS, LINES, LANG and the account's variables are set, and nothing of the server's own environment") {
        val env = ShellEnvironment.of(OsShellSettings(listOf("/bin/sh")), "XTERM-256COLOR", TerminalSize(100, 30), account, emptyMap())
        env shouldContainExactly mapOf(
            "PATH" to ShellEnvironment.DEFAULT_PATH, "TERM" to "xterm-256color", "COLUMNS" to "100", "LINES" to "30",
            "LANG" to "C.UTF-8", "HOME" to "/home/bbs", "USER" to "bbs", "LOGNAME" to "bbs", "SHELL" to "/bin/bash",
        )
    }

    test("client-sent variables pass only when allow-listed, and the configured environment wins") {
        val settings = OsShellSettings(
            listOf("/bin/sh"), environment = mapOf("EDITOR" to "nano"), passEnvironment = setOf("TZ", "EDITOR"),
        )
        val client = mapOf("TZ" to "Europe/Paris", "LD_PRELOAD" to "/tmp/evil.so", "EDITOR" to "vi", "PATH" to "/tmp")
        val env = ShellEnvironment.of(settings, "vt100", TerminalSize(80, 24), null, client)
        env["TZ"] shouldBe "Europe/Paris"
        env["EDITOR"] shouldBe "nano"
        env["PATH"] shouldBe ShellEnvironment.DEFAULT_PATH
        env shouldNotContainKey "LD_PRELOAD"
    }

    test("an overlong or NUL-bearing client value is left out") {
        val settings = OsShellSettings(listOf("/bin/sh"), passEnvironment = setOf("A", "B"))
        val env = ShellEnvironment.of(settings, "vt100", TerminalSize(80, 24), null, mapOf("A" to "x".repeat(5000), "B" to "a\u0000b"))
        env shouldNotContainKey "A"
        env shouldNotContainKey "B"
    }

    test("an unknown or strange terminal type becomes dumb") {
        ShellEnvironment.term("unknown") shouldBe "dumb"
        ShellEnvironment.term("") shouldBe "dumb"
        ShellEnvironment.term("xterm;rm -rf /") shouldBe "dumb"
        ShellEnvironment.term("ANSI") shouldBe "ansi"
    }

    test("settings without a command are a configuration error that says so, from Kotlin and from the Java builder") {
        shouldThrow<IllegalArgumentException> { OsShellSettings(emptyList()) }.message shouldContain "no command configured"
        shouldThrow<IllegalArgumentException> { OsShellSettings(listOf(" ")) }.message shouldContain "no command configured"
        shouldThrow<IllegalArgumentException> { OsShellSettings.builder().build() }.message shouldContain "no command configured"
    }

    test("a bad runAs name or environment name is refused when the settings are made") {
        shouldThrow<IllegalArgumentException> { OsShellSettings(listOf("/bin/sh"), runAs = "bad name") }
        shouldThrow<IllegalArgumentException> { OsShellSettings(listOf("/bin/sh"), environment = mapOf("A=B" to "c")) }
    }
})
