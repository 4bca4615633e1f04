/**
 * External scripts around a VRRP instance, as keepalived runs them: {@link
 * io.steelyard.vrrp.script.ScriptTrack} describes a {@code vrrp_script} whose exit status is a
 * tracked check, {@link io.steelyard.vrrp.script.ScriptTracker} runs it every interval, and {@link
 * io.steelyard.vrrp.script.NotifyScripts} runs the {@code notify_*} scripts on state changes.
 *
 * <p>Scripts are executed directly, without a shell (keepalived 2.2.7 does the same), as the user
 * of the JVM, in the network namespace of the thread that started the instance.
 */
@NullMarked
package io.steelyard.vrrp.script;

import org.jspecify.annotations.NullMarked;
