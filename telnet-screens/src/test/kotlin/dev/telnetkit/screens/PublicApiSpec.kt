package dev.telnetkit.screens

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-screens is the checked-in `telnet-screens/api/telnet-screens.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-screens matches api/telnet-screens.api") {
        PublicApiCheck.verify("telnet-screens")
    }
})
