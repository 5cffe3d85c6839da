package dev.telnetkit.screens

/**
 * Where a screen app goes after a handler ran: returned by hot-key, field, submit and on-show
 * handlers. Kotlin writes the cases (`Navigation.Goto("chat")`, `Navigation.Back`); Java uses the
 * factories (`Navigation.go("chat")`, `Navigation.back()`).
 */
public sealed class Navigation {
    /**
     * Shows the screen named [screen] on top of the current one. Going to a screen that is already
     * on the navigation stack returns to it (the screens above it are dropped), so the stack never
     * grows beyond the number of screens.
     */
    public data class Goto(val screen: String) : Navigation()

    /** Clears the screen and shows the same screen again (its on-show hook and template run again). */
    public data object Redraw : Navigation()

    /** Keeps the screen as it is, without drawing it again, and reads the same input again (the same field, or another key). */
    public data object Stay : Navigation()

    /** Goes on reading: the screen's next field, or the next key once every field was read. */
    public data object KeepReading : Navigation()

    /** Back one screen (the previous one is drawn again); on the first screen, draws it again. */
    public data object Back : Navigation()

    /** Back to the first screen, forgetting the ones in between. */
    public data object Root : Navigation()

    /** Leaves the screen app: `Screens.run` returns to its caller (the command shell, or the session's end). */
    public data object Exit : Navigation()

    public companion object {
        /** [Goto] the screen named [screen]. */
        @JvmStatic public fun go(screen: String): Navigation = Goto(screen)

        /** [Redraw]. */
        @JvmStatic public fun redraw(): Navigation = Redraw

        /** [Stay]. */
        @JvmStatic public fun stay(): Navigation = Stay

        /** [KeepReading]. */
        @JvmStatic public fun keepReading(): Navigation = KeepReading

        /** [Back]. */
        @JvmStatic public fun back(): Navigation = Back

        /** [Root]. */
        @JvmStatic public fun root(): Navigation = Root

        /** [Exit]. */
        @JvmStatic public fun exit(): Navigation = Exit
    }
}
