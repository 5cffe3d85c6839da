package dev.telnetkit.wire

import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionInput

private const val CTRL_C = '\u0003'

/**
 * Adds [text] the user typed to [inputs]. In character mode Ctrl-C is the interrupt key; taken by an
 * interrupt listener (a running command), it is not also left for the next prompt.
 */
internal fun addTypedText(session: Session, text: String, inputs: MutableList<SessionInput>) {
    session.touched()
    var typed = text
    if (typed.indexOf(CTRL_C) >= 0 && session.serverEchoes && session.interruptRequested()) {
        typed = typed.replace(CTRL_C.toString(), "")
    }
    if (typed.isNotEmpty()) inputs.add(SessionInput.Text(typed))
}
