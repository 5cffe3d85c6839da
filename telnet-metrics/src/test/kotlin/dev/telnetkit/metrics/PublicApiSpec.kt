package dev.telnetkit.metrics

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-metrics is the checked-in `telnet-metrics/api/telnet-metrics.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-metrics matches api/telnet-metrics.api") {
        PublicApiCheck.verify("telnet-metrics")
    }
})
