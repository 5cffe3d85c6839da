package dev.telnetkit.mud

/**
 * A value of an MSDP variable: text, an array of values, or a table of named values, which nest.
 * Text is sent as UTF-8, without the bytes MSDP uses for its structure (0..6), which it cannot hold.
 *
 * ```java
 * msdp.set("ROOM", MsdpValue.table(Map.of("VNUM", MsdpValue.of(3001), "EXITS", MsdpValue.array(MsdpValue.of("n")))));
 * ```
 */
public sealed class MsdpValue {
    /** A text (or number) value.
     *
     * @property text the text, sent as UTF-8.
     */
    public data class Text(public val text: String) : MsdpValue()

    /** An array value (`MSDP_ARRAY_OPEN` … `MSDP_ARRAY_CLOSE`).
     *
     * @property items the values, in order.
     */
    public data class Array(public val items: List<MsdpValue>) : MsdpValue()

    /** A table value (`MSDP_TABLE_OPEN` … `MSDP_TABLE_CLOSE`).
     *
     * @property entries the named values, sent in the map's order.
     */
    public data class Table(public val entries: Map<String, MsdpValue>) : MsdpValue()

    /** Makes values. */
    public companion object {
        /** A text value. */
        @JvmStatic
        public fun of(text: String): MsdpValue = Text(text)

        /** A number, as text. */
        @JvmStatic
        public fun of(number: Int): MsdpValue = Text(number.toString())

        /** A number, as text. */
        @JvmStatic
        public fun of(number: Long): MsdpValue = Text(number.toString())

        /** An array of [items]. */
        @JvmStatic
        public fun array(vararg items: MsdpValue): MsdpValue = Array(items.toList())

        /** An array of [items]. */
        @JvmStatic
        public fun array(items: List<MsdpValue>): MsdpValue = Array(items.toList())

        /** A table of [entries], in their order. */
        @JvmStatic
        public fun table(entries: Map<String, MsdpValue>): MsdpValue = Table(LinkedHashMap(entries))
    }
}
