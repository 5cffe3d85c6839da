package dev.telnetkit.screens

import dev.telnetkit.session.Session
import dev.telnetkit.terminal.Key
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

private val logger = KotlinLogging.logger {}

/**
 * Runs a [Screens] app in one session's coroutine: a stack of screen names (the first is the
 * root), each screen drawn, its fields read and its keys waited for, until a handler says
 * [Navigation.Exit] or the input ends. Template errors and failing handlers are shown on the
 * terminal in a short message and logged; the session goes on.
 */
/** A screen's rendered body and its list items, if it has a list. */
private class Drawn(val body: RenderedScreen, val items: List<String>?)

internal class ScreenNavigator(private val app: Screens, private val session: Session) {
    private val stack = ArrayList<String>()

    /** What showing a screen came to. */
    private sealed class Outcome {
        data class Navigate(val navigation: Navigation) : Outcome()
        data object Ended : Outcome()
        data object Failed : Outcome()
    }

    suspend fun run(start: String) {
        KeyEvents(session).use { keys ->
            stack.add(start)
            while (true) {
                val name = stack.last()
                val screen = app.screen(name)
                val outcome = if (screen == null) problem(keys, "There is no screen named '$name'.") else ScreenRun(screen, keys).show()
                when (outcome) {
                    Outcome.Ended -> return
                    Outcome.Failed -> if (stack.size > 1) stack.removeAt(stack.lastIndex) else return
                    is Outcome.Navigate -> if (!navigate(outcome.navigation, keys)) return
                }
            }
        }
    }

    /** Moves the stack; false to leave the app. */
    private suspend fun navigate(navigation: Navigation, keys: KeyEvents): Boolean {
        when (navigation) {
            Navigation.Exit -> return false
            is Navigation.Goto -> {
                val index = stack.indexOf(navigation.screen)
                when {
                    index >= 0 -> while (stack.size > index + 1) stack.removeAt(stack.lastIndex)
                    app.screen(navigation.screen) != null -> stack.add(navigation.screen)
                    else -> if (problem(keys, "There is no screen named '${navigation.screen}'.") == Outcome.Ended) return false
                }
            }
            Navigation.Back -> if (stack.size > 1) stack.removeAt(stack.lastIndex)
            Navigation.Root -> while (stack.size > 1) stack.removeAt(stack.lastIndex)
            Navigation.Redraw, Navigation.Stay, Navigation.KeepReading -> Unit
        }
        return true
    }

    /** Shows [message] as an error, logs it, and waits for a key so it can be read. */
    private suspend fun problem(keys: KeyEvents, message: String): Outcome {
        logger.warn { "session ${session.id}: $message" }
        val style = TerminalStyle.forSession(session)
        session.writeLine()
        session.writeLine(style.color("red") + message + style.reset)
        session.write("Press a key to go on.")
        while (true) {
            when (keys.next()) {
                KeyEvent.Ended -> return Outcome.Ended
                KeyEvent.Resized -> continue
                is KeyEvent.Pressed -> return Outcome.Failed
            }
        }
    }

    /** One showing of [screen]: on-show hook, then draws (again on resize or page change) and input. */
    private inner class ScreenRun(private val screen: Screen, private val keys: KeyEvents) {
        private val context = ScreenContext(session, screen.name)
        private var style = TerminalStyle.forSession(session)
        private var page = 0

        // Once the fields were read (and submitted), drawing again for a resize or another page shows
        // their values instead of asking them again.
        private var fieldsDone = false

        suspend fun show(): Outcome {
            screen.onShow?.let { action ->
                val navigation = guarded("on-show") { action.run(context) }
                if (navigation !is Navigation.Redraw && navigation != Navigation.Stay && navigation != Navigation.KeepReading) {
                    return Outcome.Navigate(navigation)
                }
            }
            while (true) {
                keys.drained()
                style = TerminalStyle.forSession(session)
                val drawn = try {
                    render()
                } catch (e: CancellationException) {
                    throw e
                } catch (e: Exception) {
                    return problemDrawing(e)
                }
                if (screen.clearsScreen) session.write(style.clear())
                readFields(drawn.body)?.let { return it }
                val pages = drawn.items?.let { drawList(it, drawn.body) }
                if (screen.fields.isNotEmpty() && !screen.readsKeys && screen.onSubmit == null) return Outcome.Navigate(Navigation.Redraw)
                when (val next = waitForKeys(pages, drawn.items)) {
                    null -> continue // a resize or another page: draw again
                    else -> return next
                }
            }
        }

        private suspend fun render(): Drawn = withContext(Dispatchers.IO) {
            val state = RenderState(context, style, screen.fields, app.values)
            val variables = screen.model?.variables(context) ?: emptyMap()
            val body = when (val source = screen.body) {
                ScreenBody.Empty -> RenderedScreen(emptyList())
                is ScreenBody.TemplateFile -> app.renderer.render(source.file, state, variables)
                is ScreenBody.InlineTemplate -> app.renderer.render(TemplateRenderer.inlineName(screen.name), state, variables)
                is ScreenBody.Rendered -> RenderedScreen(listOf(RenderedScreen.Part.Text(source.renderer.render(context))))
            }
            Drawn(body, screen.list?.items(context))
        }

        /** Writes the body, reading fields where they stand and the unplaced ones after it; then submits. Null to go on. */
        private suspend fun readFields(body: RenderedScreen): Outcome? {
            if (fieldsDone) {
                for (part in body.parts) {
                    when (part) {
                        is RenderedScreen.Part.Text -> session.write(part.text)
                        is RenderedScreen.Part.Field -> session.write(shownValue(part.field))
                    }
                }
                val placed = body.parts.filterIsInstance<RenderedScreen.Part.Field>().map { it.field.name }.toSet()
                for (field in screen.fields) {
                    if (field.name !in placed) session.writeLine(field.prompt + shownValue(field))
                }
                return null
            }
            val placed = HashSet<String>()
            for (part in body.parts) {
                when (part) {
                    is RenderedScreen.Part.Text -> session.write(part.text)
                    is RenderedScreen.Part.Field -> {
                        placed.add(part.field.name)
                        readField(part.field)?.let { return it }
                    }
                }
            }
            for (field in screen.fields) {
                if (field.name !in placed) readField(field)?.let { return it }
            }
            fieldsDone = true
            val submit = screen.onSubmit ?: return null
            val navigation = guarded("submit") { submit.submit(context, context.values) }
            return if (navigation == Navigation.Stay || navigation == Navigation.KeepReading) null else Outcome.Navigate(navigation)
        }

        private fun shownValue(field: ScreenField): String {
            val value = context.fieldValues[field.name] ?: return ""
            return field.mask?.let { mask -> mask.toString().repeat(value.codePointCount(0, value.length)) } ?: value
        }

        /** Reads [field] until it is valid and its handler lets the screen go on (null) or navigates. */
        private suspend fun readField(field: ScreenField): Outcome? {
            while (true) {
                val value = session.readLine(
                    field.prompt, history = false, mask = field.mask, maxLength = field.maxLength, initial = field.initial,
                ) ?: return Outcome.Ended
                val problem = try {
                    field.validator?.validate(value)
                } catch (e: Exception) {
                    logger.warn(e) { "session ${session.id}: screen '${screen.name}': the validator of field '${field.name}' failed" }
                    "That value could not be checked."
                }
                if (problem != null) {
                    session.writeLine(style.color("red") + problem + style.reset)
                    continue
                }
                context.fieldValues[field.name] = value
                val handler = field.handler ?: return null
                when (val navigation = guarded("field '${field.name}'") { handler.accept(context, value) }) {
                    Navigation.KeepReading -> return null
                    Navigation.Stay -> continue
                    else -> return Outcome.Navigate(navigation)
                }
            }
        }

        /** Writes one page of [items] fitting under the body, and its footer. */
        private suspend fun drawList(items: List<String>, body: RenderedScreen): Pages {
            val bodyText = body.parts.filterIsInstance<RenderedScreen.Part.Text>().joinToString("") { it.text }
            val bodyLines = bodyText.count { it == '\n' } + if (bodyText.isEmpty() || bodyText.endsWith('\n')) 0 else 1
            val pages = Pages(items.size, session.height - bodyLines - 2)
            page = pages.clamp(page)
            if (bodyText.isNotEmpty() && !bodyText.endsWith('\n')) session.writeLine()
            val width = (session.width - 1).coerceAtLeast(1)
            for (index in pages.items(page)) session.writeLine(items[index].take(width))
            session.writeLine()
            session.write(style.sgr(7) + pages.footer(page) + style.reset)
            return pages
        }

        /** Waits for a key that does something: an outcome, or null to draw again (resize, page change). */
        private suspend fun waitForKeys(pages: Pages?, items: List<String>?): Outcome? {
            while (true) {
                val key = when (val event = keys.next()) {
                    KeyEvent.Ended -> return Outcome.Ended
                    KeyEvent.Resized -> return null
                    is KeyEvent.Pressed -> event.key
                }
                val action = screen.hotKey(key)
                if (action != null) {
                    when (val navigation = guarded("hot key") { action.run(context) }) {
                        Navigation.Stay, Navigation.KeepReading -> continue
                        else -> return Outcome.Navigate(navigation)
                    }
                }
                if (pages != null && items != null) {
                    val char = (key as? Key.Text)?.let { hotKeyChar(it.codePoint) }
                    val target = when {
                        key == Key.PageDown || key == Key.Down || char == 'n' || char == ' ' -> pages.next(page)
                        key == Key.PageUp || key == Key.Up || char == 'p' -> pages.previous(page)
                        key == Key.Escape || char == 'q' -> return Outcome.Navigate(Navigation.Back)
                        else -> null
                    }
                    if (target != null && target != page) {
                        page = target
                        return null
                    }
                } else if (!screen.readsKeys) {
                    return Outcome.Navigate(Navigation.Back) // a screen without keys: any key goes back
                }
                session.write("\u0007")
            }
        }

        /** Runs a handler; one that throws is logged and shown as a short error, and the screen stays. */
        private suspend fun guarded(what: String, block: suspend () -> Navigation): Navigation = try {
            block()
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            logger.warn(e) { "session ${session.id}: screen '${screen.name}': the $what handler failed" }
            session.writeLine()
            session.writeLine(style.color("red") + "Sorry, that did not work (the error was logged)." + style.reset)
            Navigation.Stay
        }

        private suspend fun problemDrawing(e: Exception): Outcome {
            val message = TemplateErrors.describe(e, screen.name)
            logger.warn(e) { "session ${session.id}: $message" }
            return problem(keys, message)
        }
    }
}
