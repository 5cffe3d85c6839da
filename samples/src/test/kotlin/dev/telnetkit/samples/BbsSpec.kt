package dev.telnetkit.samples

import com.sun.security.auth.module.UnixSystem
import dev.telnetkit.pty.OsShellSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TelnetProgramBridge
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.shouldShowOnScreen
import dev.telnetkit.zmodem.ZModem
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.sql.DriverManager
import java.time.Instant
import kotlin.io.path.ExperimentalPathApi
import kotlin.io.path.deleteRecursively
import kotlin.io.path.readBytes
import kotlin.io.path.writeBytes
import kotlin.random.Random
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/**
 * The BBS sample over real Telnet connections on 127.0.0.1: registration and the sysop, operator
 * messages above a half-typed chat line, who and nicknames, the file area with real lrzsz through a
 * [TelnetProgramBridge], the OS shell, a restart on the same data folder, and leaving.
 */
@OptIn(ExperimentalPathApi::class)
class BbsSpec : FunSpec({
    val lrzsz = listOf(InteropClients.sz, InteropClients.rz)
    fun lrzszEnabled(): Enabled = InteropClients.skipReason(lrzsz)?.let { Enabled.disabled(it) } ?: Enabled.enabled

    test("the first member registers as the sysop and sees the sysop items; the second does not, and S does nothing for them") {
        withBbs {
            val ann = register("ann", "Annie", sysop = true)
            val bob = register("bob", "Bobby", sysop = false)
            try {
                ann.output shouldContain "T E L N E T K I T   B B S"
                ann.screen.lines.any { "[S] Sysop: users" in it } shouldBe true
                ann.screen.lines.any { "[M] Sysop: message a user" in it } shouldBe true
                // The cursor waits just after the question, not on the line below it.
                ann.screen.rowText(ann.screen.cursorRow) shouldBe "Your choice:"
                ann.screen.cursorColumn shouldBe "Your choice: ".length
                ann.send("s")
                ann.awaitText("Sysop: users")
                ann.awaitText("ann")
                ann.awaitText("bob")

                bob.output shouldContain "T E L N E T K I T   B B S"
                bob.output shouldNotContain "Sysop"
                val mark = bob.output.length
                bob.send("s")
                bob.send("w") // in order after S: the who list shows only if S left the menu alone
                bob.awaitText("Who is online")
                bob.output.substring(mark) shouldNotContain "Sysop"
            } finally {
                ann.close()
                bob.close()
            }
        }
    }

    test("the sysop's message lands above the half-typed chat line, which is drawn again intact and then sent whole") {
        withBbs {
            val ann = register("ann", "Annie", sysop = true)
            val bob = register("bob", "Bobby", sysop = false)
            try {
                bob.send("c")
                bob.awaitText("You are in chat.")
                bob.awaitText("[lobby] ")
                bob.send("half a li")
                bob.awaitScreen { s -> s.rowText(s.cursorRow) == "[lobby] half a li" }

                ann.send("m")
                ann.awaitPrompt("User: ")
                ann.sendLine("bob")
                ann.awaitPrompt("Message: ")
                ann.sendLine("the board restarts at noon")
                ann.awaitText("Sent.")

                bob shouldShowOnScreen "!! ann: the board restarts at noon"
                val screen = bob.awaitScreen { s -> s.rowText(s.cursorRow) == "[lobby] half a li" && s.lines.any { "restarts at noon" in it } }
                val row = screen.lines.indexOfFirst { it.contains("!! ann: the board restarts at noon") }
                screen.lines[row + 1] shouldBe "[lobby] half a li"
                screen.cursorRow shouldBe row + 1
                screen.cursorColumn shouldBe "[lobby] half a li".length

                // The sysop joins the room to hear the finished line.
                ann.awaitText("Your choice: ")
                ann.send("c")
                ann.awaitText("[lobby] ")
                bob.awaitText("[lobby] -> Annie joined")
                bob.sendLine("ne")
                ann.awaitText("<Bobby> half a line")
            } finally {
                ann.close()
                bob.close()
            }
        }
    }

    test("who is online lists both users, and a new nickname shows in the menu") {
        withBbs {
            val ann = register("ann", "Annie", sysop = true)
            val bob = register("bob", "Bobby", sysop = false)
            try {
                bob.send("w")
                bob.awaitText("Who is online")
                val who = bob.awaitScreen { s -> s.lines.any { it.startsWith("ann ") } && s.lines.any { it.startsWith("bob ") } }
                who.lines.first { it.startsWith("ann ") } shouldContain "Annie"
                who.lines.first { it.startsWith("bob ") } shouldContain "Bobby"
                bob.send("q")
                bob.awaitText("Your choice: ")

                bob.send("n")
                bob.awaitPrompt("Nickname: ")
                bob.sendLine("Robert")
                bob.awaitText("Your nickname is now Robert.")
                bob.awaitScreen { s -> s.lines.any { "Logged in as bob (Robert)" in it } }
            } finally {
                ann.close()
                bob.close()
            }
        }
    }

    context("the file area with lrzsz").config(enabledOrReasonIf = { lrzszEnabled() }, timeout = 3.minutes) {
        test("a download reaches rz byte-identical, an upload from sz lands in files and is listed, sz at the menu uploads by itself, ../x is refused") {
            InteropClients.requireAll(lrzsz)
            withBbs {
                register("ann", "Annie", sysop = true).close()
                val offered = random(dir.resolve("files").resolve("offered.bin"), 300_000)
                Files.writeString(dir.resolve("x"), "outside the file area")
                val work = Files.createTempDirectory("bbs-spec-lrzsz")
                try {
                    val received = Files.createDirectories(work.resolve("received"))
                    val upload = random(work.resolve("upload.bin"), 200_000)
                    val auto = random(work.resolve("auto.bin"), 100_000)
                    TelnetProgramBridge.connect("127.0.0.1", server.port).use { bridge ->
                        var at = bridge.login("ann")

                        bridge.send("f")
                        at = bridge.awaitText("offered.bin", at)
                        at = bridge.awaitText("Your choice: ", at)
                        bridge.send("d")
                        at = bridge.awaitText("File: ", at)
                        bridge.sendLine("../x")
                        at = bridge.awaitText("There is no file '../x' in the file area.", at)
                        at = bridge.awaitText("File: ", at)
                        bridge.text().substring(at) shouldNotContain ZModem.SENDER_HEADER
                        bridge.sendLine("offered.bin")
                        at = bridge.awaitText(ZModem.SENDER_HEADER, at)
                        bridge.runProgram(listOf("rz", "-q"), received) shouldBe 0
                        sha256(received.resolve("offered.bin")) shouldBe sha256(offered)

                        // What the server says right after the transfer may have gone to rz as it ended: no waiting for it.
                        at = bridge.text().length
                        bridge.sendLine("") // Press Enter to go on
                        at = bridge.awaitText("File: ", at)
                        bridge.sendLine("") // back to the file area
                        at = bridge.awaitText("Your choice: ", at)

                        bridge.send("u")
                        at = bridge.awaitText("Start the upload in your terminal now", at)
                        bridge.runProgram(listOf("sz", "-q", upload.toString()), work) shouldBe 0
                        sha256(dir.resolve("files").resolve("upload.bin")) shouldBe sha256(upload)
                        // The receiver waits for sz's last "OO" (and drops what comes meanwhile): Enter only after the question.
                        at = bridge.awaitText("Transfer complete: 1 file(s), 200000 bytes.", at)
                        at = bridge.awaitText("Press Enter to go on.", at)
                        bridge.sendLine("") // the file area again, listing the upload
                        at = bridge.awaitText("upload.bin", at)
                        at = bridge.awaitText("Your choice: ", at)

                        bridge.send("b")
                        at = bridge.awaitText("main menu", at)
                        at = bridge.awaitText("Your choice: ", at)
                        bridge.runProgram(listOf("sz", "-q", auto.toString()), work) shouldBe 0
                        sha256(dir.resolve("files").resolve("auto.bin")) shouldBe sha256(auto)
                    }
                } finally {
                    work.deleteRecursively()
                }
            }
        }

        test("a restart on the same folder keeps the accounts and the uploaded file") {
            InteropClients.requireAll(lrzsz)
            val data = Files.createTempDirectory("bbs-spec-restart")
            val work = Files.createTempDirectory("bbs-spec-restart-work")
            try {
                val upload = random(work.resolve("kept.bin"), 50_000)
                withBbs(dataDir = data) {
                    register("ann", "Annie", sysop = true).close()
                    TelnetProgramBridge.connect("127.0.0.1", server.port).use { bridge ->
                        bridge.login("ann")
                        // The first password login follows the registration, which was the last login.
                        bridge.text() shouldContain "Last login: "
                        bridge.text() shouldNotContain "Welcome, new member!"
                        bridge.runProgram(listOf("sz", "-q", upload.toString()), work) shouldBe 0
                    }
                }
                // A last login the test can recognise: the welcome shows the login before this one, not this one.
                DriverManager.getConnection("jdbc:sqlite:${data.resolve("bbs.sqlite")}").use { c ->
                    c.prepareStatement("UPDATE telnetkit_accounts SET last_login_at = ? WHERE name_key = 'ann'").use { s ->
                        s.setLong(1, Instant.parse("2020-01-02T03:04:00Z").toEpochMilli())
                        s.executeUpdate() shouldBe 1
                    }
                }
                withBbs(dataDir = data) {
                    TelnetTestClient.connect("127.0.0.1", server.port).use { ann ->
                        ann.awaitPrompt("Username: ")
                        ann.sendLine("ann")
                        ann.awaitPrompt("Password: ")
                        ann.sendLine(PASSWORD)
                        ann.awaitText("Last login: 2020-01-02 03:04 UTC", HASHING)
                        ann.awaitText("Press Enter for the main menu.")
                        ann.output shouldNotContain "Welcome, new member!"
                        ann.send("\r")
                        ann.awaitText("Your choice: ")
                        ann.awaitScreen { screen -> screen.lines.any { "Logged in as ann (Annie)" in it } }
                        ann.send("f")
                        ann.awaitText("kept.bin")
                        ann.awaitText("Your choice: ")
                    }
                }
            } finally {
                data.deleteRecursively()
                work.deleteRecursively()
            }
        }
    }

    test("the OS shell: not enabled without --os-shell") {
        withBbs {
            val ann = register("ann", "Annie", sysop = true)
            try {
                ann.screen.lines.any { "[O]" in it } shouldBe false
                ann.send("o")
                ann.awaitText("The OS command shell is not enabled on this board.")
                ann.awaitText("Press Enter to go on.")
            } finally {
                ann.close()
            }
        }
    }

    test("the OS shell: the sysop's O runs it, its exit status is shown, and a member's O is refused").config(timeout = 1.minutes) {
        val asRoot = UnixSystem().uid == 0L
        withBbs(osShell = OsShellSettings(listOf("/bin/sh"), runAs = if (asRoot) "nobody" else null)) {
            val ann = register("ann", "Annie", sysop = true)
            val bob = register("bob", "Bobby", sysop = false)
            try {
                ann.screen.lines.any { "[O] OS command shell" in it } shouldBe true
                ann.send("o")
                ann.awaitText("$ ")
                ann.sendLine("echo hi-$((6*7))")
                ann.awaitText("hi-42")
                ann.sendLine("exit 4")
                ann.awaitText("[OS shell ended, exit status 4]")
                ann.awaitText("Press Enter to go on.")
                ann.send("\r")
                ann.awaitText("Your choice: ")

                bob.send("o")
                bob.awaitText("The OS command shell is for the sysop.")
                bob.output shouldNotContain "hi-"
            } finally {
                ann.close()
                bob.close()
            }
        }
    }

    test("G says goodbye and ends the session; Q leaves to the bbs> command line, where menu brings the menu back") {
        withBbs {
            val ann = register("ann", "Annie", sysop = true)
            val bob = register("bob", "Bobby", sysop = false)
            try {
                bob.send("g")
                bob.awaitText("Goodbye, bob.")
                bob.awaitClosed(10.seconds) shouldBe true

                ann.send("q")
                ann.awaitPrompt("bbs> ")
                ann.sendLine("menu")
                ann.awaitText("main menu")
                ann.awaitText("Your choice: ")
                ann.send("q")
                ann.awaitPrompt("bbs> ")
                ann.isClosed shouldBe false
            } finally {
                ann.close()
                bob.close()
            }
        }
    }
}) {
    /** A running board: its data folder, the [Bbs] and its server. */
    class Board(val dir: Path, val bbs: Bbs, val server: TelnetServer) {
        /** Registers [name] at the login prompt and goes on to the main menu; checks whether it was made the sysop. */
        suspend fun register(name: String, nickname: String, sysop: Boolean): TelnetTestClient {
            val client = TelnetTestClient.connect("127.0.0.1", server.port)
            try {
                client.awaitPrompt("Username: ")
                client.sendLine("new")
                client.awaitPrompt("New user name: ")
                client.sendLine(name)
                client.awaitPrompt("Password: ")
                client.sendLine(PASSWORD)
                client.awaitPrompt("Password again: ")
                client.sendLine(PASSWORD)
                client.awaitPrompt("Nickname [$name]: ")
                client.sendLine(nickname)
                client.awaitText("Welcome, $nickname! Your account $name is ready.", HASHING)
                client.awaitText("Welcome, new member!")
                client.awaitText("Press Enter for the main menu.")
                withClue(client.output) { client.output.contains("You are the first member: you are the sysop.") shouldBe sysop }
                client.send("\r")
                client.awaitText("Your choice: ")
                client.awaitScreen { screen -> screen.lines.any { "Logged in as $name ($nickname)" in it } }
                return client
            } catch (e: Throwable) {
                client.close()
                throw e
            }
        }

        /** Logs the bridge in as [name] and goes on to the main menu; the index in its text after the menu. */
        suspend fun TelnetProgramBridge.login(name: String): Int {
            var at = awaitText("Username: ")
            sendLine(name)
            at = awaitText("Password: ", at)
            sendLine(PASSWORD)
            at = awaitText("Press Enter for the main menu.", at, HASHING)
            sendLine("")
            at = awaitText("main menu", at)
            return awaitText("Your choice: ", at)
        }
    }

    companion object {
        const val PASSWORD = "correct horse 42"

        /** How long a step that hashes a password (argon2id, on a busy 2-core machine too) may take. */
        val HASHING = 30.seconds

        /** A board on a fresh data folder (or [dataDir]) with [block] run while it is started; a fresh folder is deleted afterwards. */
        @OptIn(ExperimentalPathApi::class)
        suspend fun withBbs(osShell: OsShellSettings? = null, dataDir: Path? = null, block: suspend Board.() -> Unit) {
            val dir = dataDir ?: Files.createTempDirectory("bbs-spec")
            try {
                Bbs(dir, osShell = osShell).use { bbs ->
                    val server = bbs.server(DemoOptions(port = 0)).start()
                    try {
                        Board(dir, bbs, server).block()
                    } finally {
                        server.stop()
                    }
                }
            } finally {
                if (dataDir == null) dir.deleteRecursively()
            }
        }

        fun random(file: Path, size: Int): Path = file.also { it.writeBytes(Random(size).nextBytes(size)) }

        fun sha256(file: Path): String = MessageDigest.getInstance("SHA-256").digest(file.readBytes()).joinToString("") { "%02x".format(it) }
    }
}
