package dev.telnetkit.testkit

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-testkit is the checked-in `telnet-testkit/api/telnet-testkit.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-testkit matches api/telnet-testkit.api") {
        PublicApiCheck.verify("telnet-testkit")
    }
})
