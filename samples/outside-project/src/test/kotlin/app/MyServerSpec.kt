package app

import dev.telnetkit.testkit.kotest.TelnetServerExtension
import dev.telnetkit.testkit.shouldShow
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec

class MyServerSpec : FunSpec({
    val server = install(TelnetServerExtension { myServer(port = 0) })

    test("hello greets the guest") {
        val client = server.connect()
        client.sendLine("hello")
        client shouldShow "Hello, guest!"
    }
})
