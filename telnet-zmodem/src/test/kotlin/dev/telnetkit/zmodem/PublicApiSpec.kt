package dev.telnetkit.zmodem

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-zmodem is the checked-in `telnet-zmodem/api/telnet-zmodem.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-zmodem matches api/telnet-zmodem.api") {
        PublicApiCheck.verify("telnet-zmodem")
    }
})
