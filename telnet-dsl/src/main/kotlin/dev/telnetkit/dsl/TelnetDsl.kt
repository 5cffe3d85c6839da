package dev.telnetkit.dsl

/** Marks the receivers of the TelnetKit DSL, so an inner block cannot reach an outer one by accident. */
@DslMarker
public annotation class TelnetDsl
