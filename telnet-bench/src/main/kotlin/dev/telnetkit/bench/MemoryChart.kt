package dev.telnetkit.bench

import java.awt.BasicStroke
import java.awt.Color
import java.awt.Font
import java.awt.RenderingHints
import java.awt.image.BufferedImage
import java.io.File
import javax.imageio.ImageIO

/** One line of the memory chart: MiB above the 0-session baseline against sessions held. */
data class ChartSeries(val label: String, val color: Color, val points: List<Pair<Int, Double>>)

/** Draws memory against sessions held as a PNG, headless. */
object MemoryChart {
    /** The series for [figures]: live heap (if measured) and RSS, above their 0-session values. */
    fun series(figures: ServerFigures, heapColor: Color, rssColor: Color): List<ChartSeries> {
        val points = figures.hold?.points ?: return emptyList()
        fun line(label: String, color: Color, value: (HoldPoint) -> Long?): ChartSeries? {
            val base = points.firstOrNull { it.held == 0 }?.let(value) ?: return null
            val pts = points.mapNotNull { p -> value(p)?.let { p.held to (it - base) / 1048576.0 } }
            return ChartSeries(label, color, pts).takeIf { pts.size >= 2 }
        }
        val perSession = { v: Double? -> v?.let { " (%.1f KiB/session)".format(it / 1024) } ?: "" }
        return listOfNotNull(
            line("${figures.name} live heap" + perSession(figures.hold.heapPerSession), heapColor) { it.heapBytes },
            line("${figures.name} RSS" + perSession(figures.hold.rssPerSession), rssColor) { it.rssBytes },
        )
    }

    /** Writes the chart of [series] to [file]. */
    fun write(series: List<ChartSeries>, title: String, file: File) {
        System.setProperty("java.awt.headless", "true")
        val w = 960
        val h = 600
        val left = 90
        val right = 30
        val top = 50
        val bottom = 70
        val image = BufferedImage(w, h, BufferedImage.TYPE_INT_RGB)
        val g = image.createGraphics()
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON)
        g.color = Color.WHITE
        g.fillRect(0, 0, w, h)
        val maxX = (series.flatMap { s -> s.points.map { it.first } }.maxOrNull() ?: 1).coerceAtLeast(1)
        val maxY = niceCeiling((series.flatMap { s -> s.points.map { it.second } }.maxOrNull() ?: 1.0).coerceAtLeast(1.0) * 1.05)
        fun px(x: Int) = left + (x.toDouble() / maxX * (w - left - right)).toInt()
        fun py(y: Double) = h - bottom - (y / maxY * (h - top - bottom)).toInt()
        g.font = Font(Font.SANS_SERIF, Font.PLAIN, 12)
        g.color = Color(0xDDDDDD)
        for (k in 0..5) {
            val y = maxY * k / 5
            g.drawLine(left, py(y), w - right, py(y))
            val x = maxX * k / 5
            g.drawLine(px(x), top, px(x), h - bottom)
        }
        g.color = Color.BLACK
        g.drawRect(left, top, w - left - right, h - top - bottom)
        for (k in 0..5) {
            val y = maxY * k / 5
            g.drawString(if (maxY >= 10) "%,.0f".format(y) else "%.1f".format(y), left - 45, py(y) + 4)
            val x = maxX * k / 5
            g.drawString("%,d".format(x), px(x) - 15, h - bottom + 18)
        }
        g.drawString("sessions held", w / 2 - 40, h - 25)
        g.drawString("MiB above 0 sessions", 10, top - 12)
        g.font = Font(Font.SANS_SERIF, Font.BOLD, 15)
        g.drawString(title, left, 25)
        g.font = Font(Font.SANS_SERIF, Font.PLAIN, 12)
        series.forEachIndexed { i, s ->
            g.color = s.color
            g.stroke = BasicStroke(2.5f)
            val sorted = s.points.sortedBy { it.first }
            for (k in 1 until sorted.size) {
                g.drawLine(px(sorted[k - 1].first), py(sorted[k - 1].second), px(sorted[k].first), py(sorted[k].second))
            }
            sorted.forEach { g.fillOval(px(it.first) - 4, py(it.second) - 4, 8, 8) }
            g.fillRect(left + 15, top + 15 + i * 20, 18, 4)
            g.color = Color.BLACK
            g.drawString(s.label, left + 40, top + 21 + i * 20)
        }
        g.dispose()
        file.absoluteFile.parentFile?.mkdirs()
        ImageIO.write(image, "png", file)
    }

    /** The smallest of 1, 2, 5 x 10^k (times 5 grid steps) at or above [v]. */
    private fun niceCeiling(v: Double): Double {
        val step = v / 5
        val magnitude = Math.pow(10.0, kotlin.math.floor(kotlin.math.log10(step)))
        val nice = listOf(1.0, 2.0, 2.5, 5.0, 10.0).first { it * magnitude >= step } * magnitude
        return nice * 5
    }
}
