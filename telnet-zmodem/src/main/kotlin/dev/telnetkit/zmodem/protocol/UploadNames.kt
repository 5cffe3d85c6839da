package dev.telnetkit.zmodem.protocol

import java.nio.file.Files
import java.nio.file.LinkOption
import java.nio.file.Path

/**
 * Turns a file name a sender announced into a safe name inside the upload folder: only the last
 * path element is kept (both `/` and `\` separate), control characters are removed, leading dots and
 * spaces are stripped (no `..`, no hidden files), characters Windows forbids become `_`, and the name
 * is cut to [MAX_LENGTH] characters. Nothing is left: no name, and the file is skipped.
 */
internal object UploadNames {
    const val MAX_LENGTH: Int = 200

    fun sanitize(announced: String): String? {
        val last = announced.substringAfterLast('/').substringAfterLast('\\')
        val cleaned = buildString {
            for (c in last) {
                when {
                    c.code < 0x20 || c.code in 0x7f..0x9f -> Unit
                    c in "<>:\"|?*" -> append('_')
                    c == '\uFFFD' -> append('_')
                    else -> append(c)
                }
            }
        }.trimStart('.', ' ').trimEnd('.', ' ').take(MAX_LENGTH).trimEnd('.', ' ')
        return cleaned.ifEmpty { null }
    }

    /** Where a file goes: [path], appended from [offset] when resuming; [complete] when nothing is missing. */
    class Placement(val path: Path, val offset: Long, val complete: Boolean)

    /**
     * Places [name] (already sanitised) in [folder]. With [allowResume], a regular file of that name
     * shorter than [size] is resumed at its length and one exactly [size] long is complete; any other
     * existing entry (longer file, unknown size, link, folder) gives the new file a `-1`, `-2`… suffix.
     */
    fun place(folder: Path, name: String, size: Long?, allowResume: Boolean): Placement {
        val first = inside(folder, name)
        if (!Files.exists(first, LinkOption.NOFOLLOW_LINKS)) return Placement(first, 0, false)
        if (allowResume && size != null && Files.isRegularFile(first, LinkOption.NOFOLLOW_LINKS)) {
            val length = Files.size(first)
            if (length < size) return Placement(first, length, false)
            if (length == size) return Placement(first, length, true)
        }
        val dot = name.lastIndexOf('.').takeIf { it > 0 } ?: name.length
        for (n in 1..MAX_SUFFIX) {
            val candidate = inside(folder, name.substring(0, dot) + "-" + n + name.substring(dot))
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) return Placement(candidate, 0, false)
        }
        throw java.io.IOException("no free name for $name")
    }

    private fun inside(folder: Path, name: String): Path {
        val base = folder.toAbsolutePath().normalize()
        val path = base.resolve(name).normalize()
        require(path.parent == base) { "the name $name leaves the upload folder" }
        return path
    }

    private const val MAX_SUFFIX = 999
}
