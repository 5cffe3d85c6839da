package dev.telnetkit.screens

import dev.telnetkit.testkit.kotest.TelnetServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

/** Paged lists over a real Telnet socket, and the page arithmetic. */
class ScreenPagingSpec : FunSpec({
    val server = install(TelnetServerExtension { BbsFixture.server() })

    test("a list shows the page fitting the terminal, goes next and previous, and q goes back") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.send("l")
        // 24 rows: the one-line body, a blank line and the footer leave 21 items a page.
        val first = client.awaitText("Page 1 of 3")
        first shouldContain "item number 21\r\n"
        first shouldNotContain "item number 22\r\n"
        client.send("n")
        val second = client.awaitText("Page 2 of 3")
        second shouldContain "item number 22\r\n"
        second shouldContain "item number 42\r\n"
        second shouldNotContain "item number 21\r\n"
        client.send("n")
        client.awaitText("Page 3 of 3")
        client.send("p")
        client.awaitText("Page 2 of 3")
        client.send("q")
        client.awaitText("draw 2")
    }

    test("the pages follow the terminal height after a resize") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.send("l")
        client.awaitText("Page 1 of 3")
        client.resize(80, 12)
        client.awaitText("Page 1 of 6")
    }

    test("pages: counts, ranges and clamping") {
        val pages = Pages(itemCount = 50, pageSize = 21)
        pages.pageCount shouldBe 3
        pages.items(0) shouldBe (0 until 21)
        pages.items(2) shouldBe (42 until 50)
        pages.next(2) shouldBe 2
        pages.previous(0) shouldBe 0
        Pages(0, 10).pageCount shouldBe 1
        Pages(5, 0).pageSize shouldBe 1
    }
})
