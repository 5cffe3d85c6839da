package dev.telnetkit

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-core is the checked-in `telnet-core/api/telnet-core.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-core matches api/telnet-core.api") {
        PublicApiCheck.verify("telnet-core")
    }
})
