package dev.telnetkit.screens

/** [itemCount] items cut into pages of [pageSize]: which page holds what. Pure; page numbers are 0-based. */
internal class Pages(val itemCount: Int, pageSize: Int) {
    val pageSize: Int = pageSize.coerceAtLeast(1)

    /** At least one page, even for no items. */
    val pageCount: Int = ((itemCount + this.pageSize - 1) / this.pageSize).coerceAtLeast(1)

    /** [page] moved into range. */
    fun clamp(page: Int): Int = page.coerceIn(0, pageCount - 1)

    /** The indexes of the items on [page]. */
    fun items(page: Int): IntRange {
        val first = clamp(page) * pageSize
        return first until minOf(first + pageSize, itemCount)
    }

    fun next(page: Int): Int = clamp(page + 1)

    fun previous(page: Int): Int = clamp(page - 1)

    /** The footer line: `Page 2 of 5` and the keys. */
    fun footer(page: Int): String = "Page ${clamp(page) + 1} of $pageCount  [n]ext [p]revious [q]uit"
}
