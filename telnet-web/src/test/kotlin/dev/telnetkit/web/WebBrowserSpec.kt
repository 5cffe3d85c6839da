package dev.telnetkit.web

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.TerminalSize
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import org.openqa.selenium.By
import org.openqa.selenium.Dimension
import org.openqa.selenium.JavascriptExecutor
import org.openqa.selenium.Keys
import org.openqa.selenium.OutputType
import org.openqa.selenium.TakesScreenshot
import org.openqa.selenium.WindowType
import org.openqa.selenium.chrome.ChromeDriver
import org.openqa.selenium.chrome.ChromeDriverService
import org.openqa.selenium.chrome.ChromeOptions
import java.io.File
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The browser terminal in Debian's Chromium, headless, driven by Selenium: it types into xterm.js
 * and reads xterm.js's buffer. Skipped when Chromium or chromedriver is missing, unless
 * TELNETKIT_REQUIRE_INTEROP=1. With TELNETKIT_SCREENSHOTS=1 (or when they are missing) it writes
 * docs/images/web-terminal.png and docs/images/web-admin.png.
 */
class WebBrowserSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 90.seconds)
    val programs = listOf(InteropClients.chromium, InteropClients.chromedriver)
    val skip = InteropClients.skipReason(programs)
    lateinit var server: TelnetServer
    var driver: ChromeDriver? = null
    var terminalTab = ""

    fun browser(): ChromeDriver = driver ?: error("no browser")

    fun js(script: String): Any? = (browser() as JavascriptExecutor).executeScript(script)

    @Suppress("UNCHECKED_CAST")
    fun lines(): List<String> = js(
        """
        const b = window.telnetkit.term.buffer.active; const out = [];
        for (let i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true));
        return out;
        """.trimIndent(),
    ) as List<String>

    suspend fun awaitLines(timeout: Duration = 15.seconds, what: String, predicate: (List<String>) -> Boolean): List<String> {
        var last = emptyList<String>()
        try {
            return withTimeout(timeout) {
                while (true) {
                    last = lines()
                    if (predicate(last)) return@withTimeout last
                    delay(50)
                }
                @Suppress("UNREACHABLE_CODE")
                last
            }
        } catch (e: Exception) {
            throw AssertionError("waited $timeout for $what; the terminal shows:\n" + last.filter { it.isNotBlank() }.joinToString("\n"), e)
        }
    }

    fun type(vararg keys: CharSequence) {
        browser().findElement(By.cssSelector(".xterm-helper-textarea")).sendKeys(*keys)
    }

    fun screenshot(name: String) {
        val target = repositoryRoot()?.resolve("docs/images/$name") ?: return
        if (System.getenv("TELNETKIT_SCREENSHOTS") != "1" && target.exists()) return
        target.parentFile.mkdirs()
        val file = (browser() as TakesScreenshot).getScreenshotAs(OutputType.FILE)
        Files.copy(file.toPath(), target.toPath(), StandardCopyOption.REPLACE_EXISTING)
        println("web: wrote $target")
    }

    beforeSpec {
        if (skip != null) return@beforeSpec
        server = webTestServer(extra = { welcome = "Welcome to the TelnetKit web demo.\r\nTry: colors, size, echo <text>\r\n" }) {
            title = "TelnetKit demo"
            admin {
                user = "admin"
                password = "browser test"
            }
        }
        val service = ChromeDriverService.Builder()
            .usingDriverExecutable(File(InteropClients.chromedriver.require()))
            .usingAnyFreePort()
            .build()
        val options = ChromeOptions()
            .setBinary(InteropClients.chromium.require())
            .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,600", "--disable-gpu")
        driver = ChromeDriver(service, options)
        browser().manage().window().size = Dimension(1000, 600)
        browser().get("http://127.0.0.1:${server.portOf("web")}/")
        terminalTab = browser().windowHandle
    }
    afterSpec {
        driver?.quit()
        if (skip == null) server.stop()
    }

    fun browserTest(name: String, body: suspend () -> Unit) =
        test(name).config(enabledOrReasonIf = { if (skip != null) Enabled.disabled(skip) else Enabled.enabled }) { body() }

    browserTest("the page shows the prompt; typing echoes, and Left, insert, Backspace and Enter edit the line the command gets") {
        awaitLines(what = "the prompt") { lines -> lines.any { it.startsWith(">") } }
        browser().title shouldBe "TelnetKit demo"
        type("echo wrldx")
        awaitLines(what = "the echo") { lines -> lines.any { it == "> echo wrldx" } }
        type(Keys.BACK_SPACE, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, "o")
        awaitLines(what = "the edited line") { lines -> lines.any { it == "> echo world" } }
        type(Keys.ENTER)
        awaitLines(what = "the command's answer") { lines -> lines.any { it == "said: world" } }
    }

    browserTest("Unicode goes both ways, and an ANSI-coloured answer has its colours in xterm.js's cells") {
        type("echo Café ☕", Keys.ENTER)
        awaitLines(what = "the Unicode answer") { lines -> lines.any { it == "said: Café ☕" } }
        type("colors", Keys.ENTER)
        val lines = awaitLines(what = "the coloured answer") { lines -> lines.any { it == "red green blue plain" } }
        val row = lines.indexOf("red green blue plain")
        fun cell(x: Int, what: String) = js("const c = window.telnetkit.term.buffer.active.getLine($row).getCell($x); return c.$what;")
        cell(0, "isFgPalette()") shouldBe true
        (cell(0, "getFgColor()") as Number).toInt() shouldBe 1
        (cell(4, "getFgColor()") as Number).toInt() shouldBe 2
        (cell(10, "getFgColor()") as Number).toInt() shouldBe 4
        cell(10, "isBold()").let { (it as Number).toInt() } shouldNotBe 0
        cell(15, "isFgDefault()") shouldBe true
        screenshot("web-terminal.png")
    }

    browserTest("a message is drawn above a half-typed line, which is redrawn after it") {
        type("echo half")
        awaitLines(what = "the half-typed line") { lines -> lines.any { it == "> echo half" } }
        server.broadcast("NEWS FLASH from the server")
        val lines = awaitLines(what = "the message above the line") { lines ->
            val news = lines.indexOfLast { "NEWS FLASH from the server" in it }
            news >= 0 && lines.drop(news + 1).any { it == "> echo half" }
        }
        // The half-typed line was taken off its row, the message written there, the line drawn again below.
        lines.count { it == "> echo half" } shouldBe 1
        type(" done", Keys.ENTER)
        awaitLines(what = "the finished line's answer") { lines -> lines.any { it == "said: half done" } }
    }

    browserTest("a resize of the browser window reaches the session's size") {
        val session = server.sessions.single { it.transport == "web" }
        val before = session.size
        browser().manage().window().size = Dimension(700, 420)
        eventually(15.seconds, { "session size still $before" }) { session.size != before }
        eventually(5.seconds) {
            val cols = (js("return window.telnetkit.term.cols") as Number).toInt()
            val rows = (js("return window.telnetkit.term.rows") as Number).toInt()
            session.size == TerminalSize(cols, rows)
        }
        (session.size.width < before.width) shouldBe true
        type("size", Keys.ENTER)
        awaitLines(what = "the new size") { lines -> lines.any { it == "size ${session.size.width}x${session.size.height}" } }
        browser().manage().window().size = Dimension(1000, 600)
    }

    browserTest("a kick from the admin page closes the session: the page says Connection closed.") {
        val web = server.sessions.single { it.transport == "web" }
        val telnet = TelnetTestClient.connect("127.0.0.1", server.port)
        try {
            telnet.awaitText(">")
            telnet.sendLine("colors")
            telnet.awaitText("plain")
            browser().switchTo().newWindow(WindowType.TAB)
            browser().get("http://127.0.0.1:${server.portOf("web")}/admin")
            browser().findElement(By.name("user")).sendKeys("admin")
            browser().findElement(By.name("password")).sendKeys("browser test", Keys.ENTER)
            eventually(10.seconds, { "the admin page shows:\n" + browser().pageSource }) { browser().pageSource.contains("Sessions (2)") }
            screenshot("web-admin.png")
            browser().findElement(By.cssSelector("#session-${web.id} button.kick")).click()
            eventually(10.seconds) { browser().pageSource.contains("The session was disconnected.") }
            eventually(10.seconds) { server.sessions.none { it.id == web.id } }
            browser().close()
            browser().switchTo().window(terminalTab)
            awaitLines(what = "the kick") { lines ->
                lines.any { "Disconnected by the administrator." in it } && lines.any { it == "Connection closed." }
            }
            js("return window.telnetkit.closed") shouldBe true
            browser().findElement(By.id("status")).isDisplayed shouldBe true
        } finally {
            telnet.close()
        }
    }
})

/** The repository's root: the first directory up from here that holds telnet-core. */
private fun repositoryRoot(): File? =
    generateSequence(File(System.getProperty("user.dir")).absoluteFile) { it.parentFile }.firstOrNull { File(it, "telnet-core").isDirectory }
