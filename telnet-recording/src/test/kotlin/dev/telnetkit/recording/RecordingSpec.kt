package dev.telnetkit.recording

import dev.telnetkit.server.TelnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.engine.spec.tempdir
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.longs.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldEndWith
import io.kotest.matchers.string.shouldMatch
import io.kotest.matchers.string.shouldNotContain
import kotlinx.serialization.json.double
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import java.nio.file.Files
import java.nio.file.attribute.FileTime
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.io.path.fileSize
import kotlin.io.path.name
import kotlin.io.path.writeText
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Session recording over real sockets: a DSL server with a shell login, recorded into a temporary directory. */
class RecordingSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val servers = mutableListOf<TelnetServer>()
    afterTest { servers.forEach { it.stop(Duration.ZERO) }; servers.clear() }

    test("a session's file: valid header, the command's output, no input, and the password nowhere") {
        val dir = tempdir().toPath()
        lateinit var recorder: AsciicastRecorder
        val server = recordedServer { recorder = recording { directory = dir } }.also { servers += it }
        logIn(server).use { client ->
            client.sendLine("colours")
            client.awaitText(COLOURED)
            client.awaitPrompt("> ")
        }
        finish(recorder)
        val file = casts(dir).single()
        file.name shouldMatch Regex("""\d{8}-\d{6}-session-\d+-alice\.cast""")
        val cast = Cast(file)
        cast.header["version"]!!.jsonPrimitive.int shouldBe 2
        cast.header["width"]!!.jsonPrimitive.int shouldBe 80
        cast.header["height"]!!.jsonPrimitive.int shouldBe 24
        (cast.header["timestamp"]!!.jsonPrimitive.long in (System.currentTimeMillis() / 1000).let { it - 120..it + 120 }) shouldBe true
        cast.header["env"]!!.jsonObject["TERM"]!!.jsonPrimitive.content shouldBe "xterm-256color"
        cast.header["title"]!!.jsonPrimitive.content shouldMatch Regex("""session \d+ anonymous@127\.0\.0\.1:\d+ via nio""")
        cast.output shouldContain "Username: "
        cast.output shouldContain COLOURED
        cast.output shouldContain "\u001b["
        cast.of("i").shouldBeEmpty()
        val times = cast.events.map { it[0].jsonPrimitive.double }
        times shouldBe times.sorted()
        String(cast.raw, Charsets.ISO_8859_1) shouldNotContain SECRET
        String(cast.raw, Charsets.UTF_8) shouldNotContain SECRET
    }

    test("with recordInput the typed commands are input events; the password typed at login still appears nowhere") {
        val dir = tempdir().toPath()
        lateinit var recorder: AsciicastRecorder
        val server = recordedServer { recorder = recording { directory = dir; recordInput = true } }.also { servers += it }
        logIn(server).use { client ->
            client.sendLine("colours")
            client.awaitText(COLOURED)
            client.awaitPrompt("> ")
        }
        finish(recorder)
        val cast = Cast(casts(dir).single())
        cast.input shouldContain "$USER\r"
        cast.input shouldContain "colours\r"
        cast.input shouldNotContain SECRET
        String(cast.raw, Charsets.UTF_8) shouldNotContain SECRET
    }

    test("a window resize is an r event") {
        val dir = tempdir().toPath()
        lateinit var recorder: AsciicastRecorder
        val server = recordedServer { recorder = recording { directory = dir } }.also { servers += it }
        logIn(server).use { client ->
            client.resize(100, 40)
            client.sendLine("colours")
            client.awaitText(COLOURED)
            client.awaitPrompt("> ")
        }
        finish(recorder)
        Cast(casts(dir).single()).of("r") shouldContain "100x40"
    }

    test("a file that reaches maxFileBytes stops with a marker; the session goes on") {
        val dir = tempdir().toPath()
        lateinit var recorder: AsciicastRecorder
        val server = recordedServer { recorder = recording { directory = dir; maxFileBytes = 2048 } }.also { servers += it }
        logIn(server).use { client ->
            client.sendLine("flood 100")
            client.awaitText("line 99 ")
            client.awaitPrompt("> ")
            client.sendLine("colours")
            client.awaitText(COLOURED)
            client.awaitPrompt("> ")
        }
        finish(recorder)
        val file = casts(dir).single()
        file.fileSize() shouldBeLessThanOrEqual 2048L
        val cast = Cast(file)
        cast.events.last()[1].jsonPrimitive.content shouldBe "m"
        cast.events.last()[2].jsonPrimitive.content shouldContain "size cap"
        cast.output shouldNotContain COLOURED
    }

    test("rotation deletes the oldest recordings beyond maxTotalBytes, and only files of the recorder's pattern") {
        val dir = tempdir().toPath()
        val old = (1..5).map { n ->
            dir.resolve("20260101-00000$n-session-$n-old.cast").also {
                it.writeText("x".repeat(1000))
                Files.setLastModifiedTime(it, FileTime.fromMillis(1_000_000L * n))
            }
        }
        val foreign = dir.resolve("keep-me.cast").also { it.writeText("y".repeat(5000)); Files.setLastModifiedTime(it, FileTime.fromMillis(1)) }
        lateinit var recorder: AsciicastRecorder
        val server = recordedServer { recorder = recording { directory = dir; maxFileBytes = 1024; maxTotalBytes = 3000 } }.also { servers += it }
        logIn(server).use { client ->
            client.sendLine("colours")
            client.awaitText(COLOURED)
            client.awaitPrompt("> ")
        }
        finish(recorder)
        val left = casts(dir)
        left shouldContain foreign
        left shouldContain old[4]
        old.take(3).forEach { left.contains(it) shouldBe false }
        left.filter { Asciicast.FILE_NAME.matches(it.name) }.sumOf { it.fileSize() } shouldBeLessThanOrEqual 3000L
        left.filter { it.name.endsWith("-alice.cast") } shouldHaveSize 1
    }

    test("per session: start() from a login hook records only the users asked for; a hostile user name gives a safe file name") {
        val dir = tempdir().toPath()
        val recorder = AsciicastRecorder(RecordingSettings(dir))
        val hostile = "../../etc/pass wd\"x;|*"
        val server = recordedServer(anyUser = true) {
            onSessionStart { if (username != "bob") recorder.start(this) }
        }.also { servers += it }
        for (user in listOf("bob", hostile)) {
            logIn(server, user).use { client ->
                client.sendLine("colours")
                client.awaitText(COLOURED)
                client.awaitPrompt("> ")
            }
        }
        finish(recorder)
        val file = casts(dir).single()
        file.parent shouldBe dir
        file.name shouldMatch Asciicast.FILE_NAME
        file.name shouldEndWith "-______etc_pass_wd_x___.cast"
        val cast = Cast(file)
        cast.header["title"]!!.jsonPrimitive.content shouldContain "$hostile@127.0.0.1"
        cast.output shouldContain COLOURED
        cast.output shouldNotContain "Password: "
    }

    test("a writer slower than the session: events are dropped past maxQueuedBytes, one marker tells, the session goes on") {
        val dir = tempdir().toPath()
        lateinit var recorder: AsciicastRecorder
        val server = recordedServer { recorder = recording { directory = dir; maxQueuedBytes = RecordingSettings.MIN_QUEUED_BYTES } }
            .also { servers += it }
        val release = CountDownLatch(1)
        recorder.writer.beforeEvent = Runnable { release.await(30, TimeUnit.SECONDS) }
        logIn(server).use { client ->
            // 3000 lines of some 60 bytes: three times what the queue may hold.
            client.sendLine("flood 3000")
            client.awaitText("line 2999 ", timeout = 30.seconds)
            client.awaitPrompt("> ")
            release.countDown()
            // Once the writer caught up there is room again.
            withTimeout(10.seconds) { while (recorder.queuedBytes > 0) delay(5.milliseconds) }
            client.sendLine("colours")
            client.awaitText(COLOURED)
            client.awaitPrompt("> ")
        }
        finish(recorder)
        val cast = Cast(casts(dir).single())
        cast.of("m").filter { it.contains("dropped") } shouldHaveSize 1
        cast.output shouldContain "line 0 "
        cast.output shouldNotContain "line 2999 "
        cast.output shouldContain COLOURED
    }

    test("a filter leaves sessions out") {
        val dir = tempdir().toPath()
        lateinit var recorder: AsciicastRecorder
        val server = recordedServer { recorder = recording { directory = dir; filter { false } } }.also { servers += it }
        logIn(server).close()
        finish(recorder)
        casts(dir).shouldBeEmpty()
    }

    test("settings refuse values out of range") {
        val dir = tempdir().toPath()
        listOf(
            { RecordingSettings(dir, maxFileBytes = 10) },
            { RecordingSettings(dir, maxFileBytes = 4096, maxTotalBytes = 2048) },
            { RecordingSettings(dir, maxQueuedBytes = 1) },
        ).forEach { make -> runCatching { make() }.exceptionOrNull()!!::class shouldBe IllegalArgumentException::class }
        RecordingSettings.builder(dir).recordInput(true).maxFileBytes(4096).build().recordInput shouldBe true
    }
})

