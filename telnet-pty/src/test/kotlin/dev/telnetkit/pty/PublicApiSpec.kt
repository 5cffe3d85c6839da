package dev.telnetkit.pty

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-pty is the checked-in `telnet-pty/api/telnet-pty.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-pty matches api/telnet-pty.api") {
        PublicApiCheck.verify("telnet-pty")
    }
})
