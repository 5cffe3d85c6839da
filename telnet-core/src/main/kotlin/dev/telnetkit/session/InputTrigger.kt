package dev.telnetkit.session

import dev.telnetkit.annotations.EngineApi

/**
 * What runs when the user's input contains a text registered with [Session.addInputTrigger], such
 * as the header a ZModem sender announces itself with. It runs in the coroutine that was reading
 * (a `readLine` or `readKey`), so it may take the input over, with [Session.binaryTransfer]; the
 * read goes on once it returns.
 */
@EngineApi
public fun interface InputTrigger {
    /** The trigger text arrived on [session]. */
    public suspend fun triggered(session: Session)
}
