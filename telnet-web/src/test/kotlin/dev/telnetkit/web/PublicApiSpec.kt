package dev.telnetkit.web

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-web is the checked-in `telnet-web/api/telnet-web.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-web matches api/telnet-web.api") {
        PublicApiCheck.verify("telnet-web")
    }
})
