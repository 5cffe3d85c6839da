package dev.telnetkit.dsl

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-dsl is the checked-in `telnet-dsl/api/telnet-dsl.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-dsl matches api/telnet-dsl.api") {
        PublicApiCheck.verify("telnet-dsl")
    }
})
