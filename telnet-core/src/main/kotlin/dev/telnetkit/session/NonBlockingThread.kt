package dev.telnetkit.session

/**
 * Marks a thread on which nothing may block (a transport's event loop): the session's blocking
 * forms refuse to run there, because they would wait for work only that thread can do.
 */
internal interface NonBlockingThread
