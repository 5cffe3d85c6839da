package dev.telnetkit.web

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import kotlin.time.Duration.Companion.seconds

/** The admin page with the JDK's HTTP client: its login, the session list, kicks, messages, CSRF and escaping. */
class AdminPageSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    lateinit var server: TelnetServer
    var port = 0
    val http = HttpClient.newHttpClient()
    val hostile = "<img src=x onerror=alert(1)>"

    beforeSpec {
        server = webTestServer(web = {
            authenticate { request -> request.query("as")?.let { WebLogin.user(it) } ?: WebLogin.anonymous() }
            admin {
                user = "admin"
                password = "correct horse"
            }
        })
        port = server.portOf("web")
    }
    afterSpec { server.stop() }

    fun origin() = "http://127.0.0.1:$port"

    fun get(path: String, cookie: String? = null): HttpResponse<String> {
        val request = HttpRequest.newBuilder(URI("${origin()}$path"))
        if (cookie != null) request.header("Cookie", cookie)
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString())
    }

    fun post(path: String, form: Map<String, String>, cookie: String? = null, origin: String? = origin()): HttpResponse<String> {
        val body = form.entries.joinToString("&") { (k, v) -> k + "=" + URLEncoder.encode(v, Charsets.UTF_8) }
        val request = HttpRequest.newBuilder(URI("${origin()}$path"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
        if (cookie != null) request.header("Cookie", cookie)
        if (origin != null) request.header("Origin", origin)
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString())
    }

    /** Logs in; returns the cookie header value and the CSRF token of the dashboard. */
    fun login(): Pair<String, String> {
        val response = post("/admin/login", mapOf("user" to "admin", "password" to "correct horse"))
        response.statusCode() shouldBe 303
        val setCookie = response.headers().firstValue("Set-Cookie").get()
        setCookie shouldContain "HttpOnly"
        setCookie shouldContain "SameSite=Strict"
        setCookie shouldContain "Path=/admin"
        val cookie = setCookie.substringBefore(';')
        val page = get("/admin", cookie).body()
        val csrf = Regex("name=\"csrf\" value=\"([^\"]+)\"").find(page).shouldNotBeNull().groupValues[1]
        return cookie to csrf
    }

    test("without a login the page is the login form; a wrong password is refused with 401") {
        val form = get("/admin")
        form.statusCode() shouldBe 200
        form.body() shouldContain "name=\"password\""
        form.body() shouldNotContain "Sessions ("
        val wrong = post("/admin/login", mapOf("user" to "admin", "password" to "wrong"))
        wrong.statusCode() shouldBe 401
        wrong.headers().firstValue("Set-Cookie").isPresent shouldBe false
        get("/admin/sessions.json").statusCode() shouldBe 401
        get("/admin", cookie = "telnetkit_admin=" + "A".repeat(43)).body() shouldNotContain "Sessions ("
    }

    test("the right password lists a Telnet and a web session, with the totals; sessions.json too") {
        val telnet = TelnetTestClient.connect("127.0.0.1", server.port)
        val web = TestWebSocket.open(port, path = "/ws?cols=90&rows=20&as=webuser")
        try {
            telnet.awaitText(">")
            web.awaitContains(">")
            val (cookie, _) = login()
            val page = get("/admin", cookie)
            page.statusCode() shouldBe 200
            page.headers().firstValue("Content-Security-Policy").get() shouldContain "default-src 'none'"
            val html = page.body()
            html shouldContain "Sessions (2)"
            html shouldContain "<td>nio</td>"
            html shouldContain "<td>web</td>"
            html shouldContain "<td>webuser</td>"
            html shouldContain "<td>xterm-256color</td>"
            html shouldContain "90×20"
            html shouldContain "Sessions open"
            val json = get("/admin/sessions.json", cookie).body()
            json shouldContain "\"transport\":\"web\""
            json shouldContain "\"user\":\"webuser\""
        } finally {
            telnet.close()
            web.close()
        }
        eventually { server.sessions.isEmpty() }
    }

    test("a message reaches one session, or all") {
        val one = TestWebSocket.open(port)
        val two = TestWebSocket.open(port)
        try {
            one.awaitContains(">")
            two.awaitContains(">")
            val (cookie, csrf) = login()
            eventually { server.sessions.size == 2 }
            val first = server.sessions.first()
            post("/admin/message", mapOf("csrf" to csrf, "id" to first.id.toString(), "text" to "hello one"), cookie).statusCode() shouldBe 303
            val (target, other) = if (one.plain.let { true }) listOf(one, two) else listOf(two, one)
            eventually { "hello one" in one.plain || "hello one" in two.plain }
            (("hello one" in target.plain) xor ("hello one" in other.plain)) shouldBe true
            post("/admin/message", mapOf("csrf" to csrf, "id" to "all", "text" to "hello all"), cookie).statusCode() shouldBe 303
            one.awaitContains("hello all")
            two.awaitContains("hello all")
        } finally {
            one.close()
            two.close()
        }
        eventually { server.sessions.isEmpty() }
    }

    test("kick closes the session after telling it") {
        val ws = TestWebSocket.open(port)
        try {
            ws.awaitContains(">")
            val (cookie, csrf) = login()
            val session = server.sessions.single()
            post("/admin/kick", mapOf("csrf" to csrf, "id" to session.id.toString()), cookie).statusCode() shouldBe 303
            ws.awaitContains("Disconnected by the administrator.")
            eventually { ws.closed.isDone }
            eventually { server.sessions.isEmpty() }
        } finally {
            ws.close()
        }
    }

    test("a POST without the CSRF token, with a wrong one, cross-origin or without a login is refused") {
        val ws = TestWebSocket.open(port)
        try {
            ws.awaitContains(">")
            val (cookie, csrf) = login()
            val id = server.sessions.single().id.toString()
            post("/admin/kick", mapOf("id" to id), cookie).statusCode() shouldBe 403
            post("/admin/kick", mapOf("id" to id, "csrf" to "x".repeat(43)), cookie).statusCode() shouldBe 403
            post("/admin/kick", mapOf("id" to id, "csrf" to csrf), cookie, origin = "http://evil.example").statusCode() shouldBe 403
            post("/admin/kick", mapOf("id" to id, "csrf" to csrf), cookie, origin = null).statusCode() shouldBe 403
            post("/admin/kick", mapOf("id" to id, "csrf" to csrf), cookie = null).statusCode() shouldBe 401
            post("/admin/login", mapOf("user" to "admin", "password" to "correct horse"), origin = "http://evil.example").statusCode() shouldBe 403
            server.sessions.size shouldBe 1
            ws.closed.isDone shouldBe false
        } finally {
            ws.close()
        }
        eventually { server.sessions.isEmpty() }
    }

    test("a hostile user name and terminal type are escaped in the page and in the JSON") {
        val telnet = TelnetTestClient.connect("127.0.0.1", server.port, TerminalProfile(terminalTypes = listOf(hostile)))
        val web = TestWebSocket.open(port, path = "/ws?as=" + URLEncoder.encode("<script>alert('x')</script>\"", Charsets.UTF_8))
        try {
            telnet.awaitText(">")
            web.awaitContains(">")
            val (cookie, _) = login()
            val html = get("/admin", cookie).body()
            html shouldNotContain "<script>"
            html shouldNotContain "<img"
            html shouldContain "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;"
            val json = get("/admin/sessions.json", cookie).body()
            json shouldNotContain "<script>"
            json shouldContain "\\u003cscript>"
        } finally {
            telnet.close()
            web.close()
        }
        eventually { server.sessions.isEmpty() }
    }
    test("failed admin logins go through the server's login lockout: once locked out, even the right password gets 429") {
        val locked = webTestServer(extra = { login(lockoutThreshold = 3) { _, _ -> false } }) {
            admin {
                user = "admin"
                password = "right"
            }
        }
        try {
            val lockedPort = locked.portOf("web")
            fun attempt(password: String): HttpResponse<String> {
                val request = HttpRequest.newBuilder(URI("http://127.0.0.1:$lockedPort/admin/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Origin", "http://127.0.0.1:$lockedPort")
                    .POST(HttpRequest.BodyPublishers.ofString("user=admin&password=$password"))
                    .build()
                return http.send(request, HttpResponse.BodyHandlers.ofString())
            }
            repeat(3) { attempt("wrong").statusCode() shouldBe 401 }
            val refused = attempt("right")
            refused.statusCode() shouldBe 429
            refused.headers().firstValue("Retry-After").isPresent shouldBe true
            refused.headers().firstValue("Set-Cookie").isPresent shouldBe false
        } finally {
            locked.stop()
        }
    }
})
