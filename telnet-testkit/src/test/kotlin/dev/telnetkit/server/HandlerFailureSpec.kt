package dev.telnetkit.server

import dev.telnetkit.session.SessionHandler

import ch.qos.logback.classic.Level
import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.read.ListAppender
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import org.slf4j.LoggerFactory
import kotlin.time.Duration.Companion.seconds

class HandlerFailureSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()

    val logger = LoggerFactory.getLogger("dev.telnetkit.server.SessionConnection") as Logger
    val appender = ListAppender<ILoggingEvent>()
    beforeTest {
        appender.list.clear()
        appender.start()
        logger.addAppender(appender)
    }
    afterTest { logger.detachAppender(appender) }

    /** A shell whose `boom` command throws [failure]. */
    fun failingShell(failure: () -> Throwable) = SessionHandler { s ->
        while (true) {
            val line = s.readLine("> ") ?: break
            if (line == "boom") throw failure()
            s.writeLine("got [$line]")
        }
    }

    val errorLine = "Internal error; closing the session.\r\n"

    for ((kind, failure) in listOf<Pair<String, () -> Throwable>>(
        "an exception" to { IllegalStateException("secret detail 42") },
        "a TODO() (NotImplementedError)" to { NotImplementedError("secret detail 42") },
    )) {
        test("$kind in a handler prints one line to that client, is logged, and the server serves others") {
            val server = fixture.start(handler = failingShell(failure))
            val bystander = fixture.connect(server)
            bystander.awaitPrompt("> ")
            val victim = fixture.connect(server)
            victim.awaitPrompt("> ")

            victim.sendLine("boom")
            victim.awaitText("boom\r\n")
            victim.awaitClosed(10.seconds).shouldBeTrue()
            // One line, and nothing of the exception: no message, no stack trace.
            victim.unread shouldBe errorLine

            val errors = appender.list.filter { it.level == Level.ERROR }
            errors shouldHaveSize 1
            errors.single().formattedMessage shouldContain "handler failed"
            // Logged as a stand-in whose message names the original class (its text escaped: LogText.safe).
            errors.single().throwableProxy.message shouldBe "${failure()::class.java.name}: secret detail 42"

            bystander.sendLine("still there?")
            bystander.awaitPrompt("> ") shouldBe "still there?\r\ngot [still there?]\r\n"
            val newcomer = fixture.connect(server)
            newcomer.awaitPrompt("> ")
            newcomer.sendLine("hi")
            newcomer.awaitPrompt("> ") shouldBe "hi\r\ngot [hi]\r\n"
            awaitCondition("only the two healthy sessions remain") { server.sessions.size == 2 }
        }
    }
})
