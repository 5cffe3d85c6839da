package dev.telnetkit.ktor

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-ktor is the checked-in `telnet-ktor/api/telnet-ktor.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-ktor matches api/telnet-ktor.api") {
        PublicApiCheck.verify("telnet-ktor")
    }
})
