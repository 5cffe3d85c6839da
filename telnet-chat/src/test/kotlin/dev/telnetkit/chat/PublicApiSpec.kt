package dev.telnetkit.chat

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-chat is the checked-in `telnet-chat/api/telnet-chat.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-chat matches api/telnet-chat.api") {
        PublicApiCheck.verify("telnet-chat")
    }
})
