package dev.telnetkit.shell

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

private val noop = CommandHandler { }

private fun cmd(name: String, vararg aliases: String, hidden: Boolean = false, subcommands: List<Command> = emptyList()) =
    Command(name, aliases.toList(), hidden = hidden, handler = if (subcommands.isEmpty()) noop else null, subcommands = subcommands)

class CommandRegistrySpec : FunSpec({
    val echo = cmd("echo", "copy", "repeat")
    val timer = cmd("timer")
    val info = cmd("info")
    val term = cmd("term", hidden = true)
    val user = cmd("user", subcommands = listOf(cmd("add"), cmd("list", "ls"), cmd("purge", hidden = true)))
    val registry = CommandRegistry(listOf(echo, timer, info, term, user))

    test("two commands claiming one name fail at construction with a message naming both") {
        val e = shouldThrow<IllegalArgumentException> { CommandRegistry(listOf(cmd("echo"), cmd("print", "echo"))) }
        e.message shouldContain "'echo'"
        e.message shouldContain "'print'"
        e.message shouldContain "both claim the name 'echo'"
    }

    test("aliases clash across commands too, and regardless of case") {
        val e = shouldThrow<IllegalArgumentException> { CommandRegistry(listOf(cmd("echo", "copy"), cmd("dup", "COPY"))) }
        e.message shouldContain "'echo'"
        e.message shouldContain "'dup'"
        e.message shouldContain "COPY"
    }

    test("a command listing one name twice is rejected with its name") {
        shouldThrow<IllegalArgumentException> { CommandRegistry(listOf(cmd("echo", "Echo"))) }.message shouldContain "command 'echo' lists the name 'Echo' twice"
    }

    test("subcommands of a group must not clash either; the message names the group and both subcommands") {
        val e = shouldThrow<IllegalArgumentException> { cmd("user", subcommands = listOf(cmd("add"), cmd("create", "add"))) }
        e.message shouldContain "command 'user'"
        e.message shouldContain "'add'"
        e.message shouldContain "'create'"
    }

    test("the same name in two different groups is fine") {
        CommandRegistry(listOf(cmd("user", subcommands = listOf(cmd("list"))), cmd("group", subcommands = listOf(cmd("list")))))
            .commands.map { it.name } shouldBe listOf("user", "group")
    }

    test("built-in names are reserved, as names and as aliases, in any case") {
        for (reserved in listOf("help", "?", "bye", "exit", "quit", "HELP", "Quit")) {
            withClue(reserved) {
                shouldThrow<IllegalArgumentException> { CommandRegistry(listOf(cmd(reserved))) }.message shouldContain "built-in"
                shouldThrow<IllegalArgumentException> { CommandRegistry(listOf(cmd("mine", reserved))) }.message shouldContain "'mine'"
            }
        }
        // Reserved only at the top: a subcommand may be called "help" or "list".
        CommandRegistry(listOf(cmd("user", subcommands = listOf(cmd("help"))))).commands.size shouldBe 1
    }

    test("lookup ignores case, for names and aliases, and finds subcommands the same way") {
        registry.find("echo") shouldBe echo
        registry.find("ECHO") shouldBe echo
        registry.find("Repeat") shouldBe echo
        registry.find("cOpY") shouldBe echo
        registry.find("term") shouldBe term
        registry.find("ech") shouldBe null
        registry.find("help") shouldBe null
        registry.findIn(user, "LS")?.name shouldBe "list"
        registry.findIn(user, "Add")?.name shouldBe "add"
        registry.findIn(user, "echo") shouldBe null
    }

    test("suggestions: one typo, one swap, a missing or extra letter, and the closest of several") {
        registry.suggest("ecko") shouldBe "echo"
        registry.suggest("ehco") shouldBe "echo"
        registry.suggest("ecoh") shouldBe "echo"
        registry.suggest("eho") shouldBe "echo"
        registry.suggest("echoo") shouldBe "echo"
        registry.suggest("ECKO") shouldBe "echo"
        registry.suggest("tmier") shouldBe "timer"
        registry.suggest("reapet") shouldBe "repeat"
        registry.suggest("hlep") shouldBe "help"
        registry.suggest("qiut") shouldBe "quit"
        registry.suggest("lsit", user) shouldBe "list"
    }

    test("no suggestion when nothing is close, nor for hidden commands") {
        registry.suggest("xyzzy") shouldBe null
        registry.suggest("frobnicate") shouldBe null
        registry.suggest("ecxyz") shouldBe null
        // Short words allow one edit only: "ifo" is one from "info", "ixo" two.
        registry.suggest("ifo") shouldBe "info"
        registry.suggest("ixo") shouldBe null
        registry.suggest("tern") shouldBe null // one edit from the hidden "term", three from "timer"
        registry.suggest("purg", user) shouldBe null
        registry.suggest("add", null) shouldBe null // subcommands are not suggested at the top
        // A suggestion keeps something of what was typed: one letter is never taken for "?".
        registry.suggest("t") shouldBe null
        registry.suggest("x") shouldBe null
        registry.suggest("??") shouldBe "?"
    }

    test("completion offers visible names with aliases and built-ins, never hidden ones") {
        registry.completeName("t") shouldContainExactly listOf("timer")
        registry.completeName("E") shouldContainExactly listOf("echo", "exit")
        registry.completeName("") shouldContainExactly listOf("?", "bye", "copy", "echo", "exit", "help", "info", "quit", "repeat", "timer", "user")
        registry.completeName("", user) shouldContainExactly listOf("add", "list", "ls")
        registry.completeName("p", user) shouldContainExactly emptyList()
    }

    test("invalid names are rejected with the command's name") {
        for (bad in listOf("", "two words", "tab\there", "quo\"te", "it's", "back\\slash", "new\nline", "del\u007f", "nul\u0000")) {
            withClue("name '$bad'") {
                shouldThrow<IllegalArgumentException> { cmd(bad) }.message shouldContain "command name"
            }
            withClue("alias '$bad'") {
                shouldThrow<IllegalArgumentException> { cmd("ok", bad) }.message shouldContain "command 'ok'"
            }
        }
        // Printable punctuation and unicode are fine.
        cmd("set-mode").name shouldBe "set-mode"
        cmd("größe").name shouldBe "größe"
        cmd("ok", "!").aliases shouldBe listOf("!")
    }

    test("a command needs a handler or subcommands, and a one-line summary") {
        shouldThrow<IllegalArgumentException> { Command("empty") }.message shouldContain "'empty' needs a handler or subcommands"
        shouldThrow<IllegalArgumentException> { Command("long", summary = "one\ntwo", handler = noop) }.message shouldContain "'long'"
    }

    test("the Java builder builds the same command and checks it the same way") {
        val built = Command.named("echo").aliases("copy", "repeat").usage("<text to echo>").summary("Echo.")
            .handler { _, _ -> }.build()
        built.names shouldBe listOf("echo", "copy", "repeat")
        built.synopsis shouldBe "echo <text to echo>"
        shouldThrow<IllegalArgumentException> { Command.named("bad name").handler { _, _ -> }.build() }.message shouldContain "bad name"
        shouldThrow<IllegalArgumentException> { Command.named("nothing").build() }.message shouldContain "'nothing'"
    }
})
