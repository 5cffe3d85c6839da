package dev.telnetkit.shell

import dev.telnetkit.shell.CommandLineParser.Result.Complete
import dev.telnetkit.shell.CommandLineParser.Result.Incomplete
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.datatest.withData
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.property.Arb
import io.kotest.property.RandomSource
import io.kotest.property.arbitrary.arbitrary
import io.kotest.property.checkAll

/** Characters that matter to the parser, plus unicode (BMP, astral, combining) and controls. */
private val TRICKY = listOf(
    " ", "  ", "\t", "\n", "\\", "\\", "'", "'", "\"", "\"", "$", "`", "\r", "\u0000", "\u0003",
    "a", "b", "Z", "9", "-", "=", "é", "ß", "日本", "😀", "e\u0301", "\u00a0", "\u200b", "\ud83d", "\ude00",
)

private fun RandomSource.trickyString(maxPieces: Int): String {
    val r = random
    val n = r.nextInt(maxPieces + 1)
    return buildString {
        repeat(n) {
            if (r.nextInt(5) == 0) append(r.nextInt(0x10000).toChar()) // anything, lone surrogates too
            else append(TRICKY[r.nextInt(TRICKY.size)])
        }
    }
}

private val anyInput = arbitrary { rs -> rs.trickyString(60) }
private val wordLists = arbitrary { rs -> List(rs.random.nextInt(8)) { rs.trickyString(6) } }

private fun parse(text: String) = CommandLineParser.parse(text)
private fun words(vararg w: String) = Complete(w.toList())

class CommandLineParserSpec : FunSpec({
    context("whitespace") {
        withData(
            nameFn = { "'${it.first.replace("\t", "\\t").replace("\n", "\\n")}' gives ${it.second}" },
            "" to emptyList(),
            "   \t \n " to emptyList(),
            "echo" to listOf("echo"),
            "  echo   a\tb  " to listOf("echo", "a", "b"),
            "a\nb" to listOf("a", "b"),
            "a\u00a0b" to listOf("a\u00a0b"), // only space, tab and newline separate words
        ) { (input, expected) -> parse(input) shouldBe Complete(expected) }
    }

    test("double quotes keep inner spaces exactly: echo 1  \"2    3\" gives 1 and '2    3'") {
        parse("echo 1  \"2    3\"") shouldBe words("echo", "1", "2    3")
    }

    test("single quotes keep inner spaces exactly") {
        parse("echo 1  '2    3'") shouldBe words("echo", "1", "2    3")
    }

    test("a backslash outside quotes escapes the next character: echo 1\\ 2 gives '1 2'") {
        parse("echo 1\\ 2") shouldBe words("echo", "1 2")
        parse("a\\\"b") shouldBe words("a\"b")
        parse("a\\'b") shouldBe words("a'b")
        parse("a\\\\") shouldBe words("a\\")
        parse("a\\tb") shouldBe words("atb")
        parse("\\ ") shouldBe words(" ")
    }

    test("a backslash inside double quotes escapes only backslash, double quote, dollar, backtick and newline") {
        parse("\"a\\\\b\"") shouldBe words("a\\b")
        parse("\"a\\\"b\"") shouldBe words("a\"b")
        parse("\"a\\\$b\"") shouldBe words("a\$b")
        parse("\"a\\`b\"") shouldBe words("a`b")
        parse("\"a\\\nb\"") shouldBe words("ab")
        // Before anything else the backslash stays.
        parse("\"a\\b\"") shouldBe words("a\\b")
        parse("\"a\\'b\"") shouldBe words("a\\'b")
        parse("\"a\\ b\"") shouldBe words("a\\ b")
        parse("\"\\n\"") shouldBe words("\\n")
    }

    test("single quotes are literal: backslashes and double quotes inside stay as they are") {
        parse("'a\\b'") shouldBe words("a\\b")
        parse("'a\\'") shouldBe words("a\\")
        parse("'say \"hi\"'") shouldBe words("say \"hi\"")
        parse("'\$x `y`'") shouldBe words("\$x `y`")
        parse("'a\nb'") shouldBe words("a\nb")
    }

    test("quotes join with the text around them into one word") {
        parse("a'b'c\"d\"e") shouldBe words("abcde")
        parse("\"a\"'b' c") shouldBe words("ab", "c")
    }

    test("empty quotes give an empty word") {
        parse("''") shouldBe words("")
        parse("\"\"") shouldBe words("")
        parse("echo '' x \"\"") shouldBe words("echo", "", "x", "")
        parse("a''") shouldBe words("a")
    }

    test("a trailing backslash or an open quote makes the line incomplete") {
        parse("echo 1 \\").shouldBeInstanceOf<Incomplete>()
        parse("\\").shouldBeInstanceOf<Incomplete>()
        parse("echo \"abc").shouldBeInstanceOf<Incomplete>()
        parse("echo 'abc").shouldBeInstanceOf<Incomplete>()
        parse("echo \"abc\\").shouldBeInstanceOf<Incomplete>()
        parse("echo \"it's").shouldBeInstanceOf<Incomplete>()
        parse("echo 'say \"").shouldBeInstanceOf<Incomplete>()
        // An escaped backslash at the end is complete.
        parse("echo a\\\\") shouldBe words("echo", "a\\")
    }

    test("a backslash before a line break joins the lines, and both vanish") {
        parse("echo 1 \\\n2") shouldBe words("echo", "1", "2")
        parse("ab\\\ncd") shouldBe words("abcd")
    }

    test("the seeds' example: four continued lines give echo, 1, 2, '3\\n4', '56'") {
        val lines = listOf("echo 1 \\", "2 \"3", "4\"  \"5\\", "6\"")
        // Each prefix is incomplete, as the shell sees it line by line.
        for (n in 1 until lines.size) {
            withClue("the first $n lines") { parse(lines.take(n).joinToString("\n")).shouldBeInstanceOf<Incomplete>() }
        }
        parse(lines.joinToString("\n")) shouldBe words("echo", "1", "2", "3\n4", "56")
    }

    test("unicode passes through untouched, in and out of quotes") {
        parse("echo 日本 '😀 x' \"e\u0301\"") shouldBe words("echo", "日本", "😀 x", "e\u0301")
    }

    test("quote and join give back the words") {
        CommandLineParser.quote("plain-word_1.txt") shouldBe "plain-word_1.txt"
        CommandLineParser.quote("") shouldBe "''"
        CommandLineParser.quote("it's") shouldBe "'it'\\''s'"
        parse(CommandLineParser.join(listOf("a b", "it's", "", "\\", "\"q\"", "x\ny"))) shouldBe
            words("a b", "it's", "", "\\", "\"q\"", "x\ny")
    }

    test("random input, with quotes, backslashes, line breaks and unicode, never throws") {
        checkAll(5000, anyInput) { input ->
            when (val result = parse(input)) {
                is Complete -> result.words.none { it.isEmpty() && input.none { c -> c == '\'' || c == '"' } } shouldBe true
                is Incomplete -> result.reason.isNotEmpty() shouldBe true
            }
        }
    }

    test("for random word lists, parse(join(words)) gives back exactly the words") {
        checkAll(5000, wordLists) { list ->
            val line = CommandLineParser.join(list)
            withClue("line '$line'") { parse(line) shouldBe Complete(list) }
        }
    }

    test("a 1 MB line parses") {
        val word = "abc\\ d \"e  f\" 'g\\h' "
        val line = word.repeat((1 shl 20) / word.length + 1)
        val result = parse(line)
        result.shouldBeInstanceOf<Complete>()
        result.words.size shouldBe 3 * (line.length / word.length)
        result.words.take(4) shouldBe listOf("abc d", "e  f", "g\\h", "abc d")
        val oneWord = "x".repeat(1 shl 20)
        parse("'$oneWord'") shouldBe Complete(listOf(oneWord))
        parse("\"" + "\\\\".repeat(1 shl 19) + "\"") shouldBe Complete(listOf("\\".repeat(1 shl 19)))
    }
})
