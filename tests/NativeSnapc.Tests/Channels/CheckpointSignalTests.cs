using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using NativeSnapc.Channels;
using NativeSnapc.Channels.Signals;
using NativeSnapc.Interop;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Channels;

/// <summary>
/// The checkpoint signal with real signals, on SIGUSR2 (SIGUSR1 is Open MPI's default, SIGRTMIN the runtime's).
/// Every test first installs a known "previous" disposition — SIG_IGN or a counting C handler, never one that
/// could end the test host — and the fixture checks that SIGUSR2 and SIGPIPE end as they began.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed unsafe class CheckpointSignalTests
{
    private const int TestSignal = Libc.SIGUSR2;
    private const int Requested = 5; // OPAL_CR_STATUS_REQUESTED
    private const int None = 4;      // OPAL_CR_STATUS_NONE, what opal_cr_test_if_checkpoint_ready stores back

    private static CheckpointSignal Signal => CheckpointSignal.Instance;

    private Libc.SignalAction _originalTestSignal;
    private Libc.SignalAction _originalSigPipe;
    private nint _previousHandlerLibrary;
    private nint _previousHandler;
    private delegate* unmanaged<long> _previousHandlerCount;
    private int* _cell;

    [OneTimeSetUp]
    public void RecordDispositionsAndBuildThePreviousHandler()
    {
        _originalTestSignal = TestLibc.QueryAction(TestSignal);
        _originalSigPipe = TestLibc.QueryAction(Libc.SIGPIPE);

        var scratch = TestEnvironment.ScratchDir("channels-signal");
        var library = NativeToolchain.CompileC(scratch, "libprevious_handler.so", """
            #include <stdatomic.h>
            static atomic_long calls;
            void previous_handler(int signo) { (void)signo; atomic_fetch_add(&calls, 1); }
            long previous_handler_calls(void) { return atomic_load(&calls); }
            """, extraArguments: ["-shared", "-fPIC"]);
        _previousHandlerLibrary = NativeLibrary.Load(library);
        _previousHandler = NativeLibrary.GetExport(_previousHandlerLibrary, "previous_handler");
        _previousHandlerCount = (delegate* unmanaged<long>)NativeLibrary.GetExport(_previousHandlerLibrary, "previous_handler_calls");
    }

    [SetUp]
    public void FreshCell()
    {
        Assert.That(Signal.InstalledSignal, Is.EqualTo(0), "a previous test left the handler installed");
        _cell = (int*)NativeMemory.AllocZeroed(sizeof(int));
    }

    [TearDown]
    public void RestoreEverything()
    {
        var restored = Signal.Restore();
        Signal.EndCheckpoint();
        Signal.TakeIgnoredRequests();
        TestLibc.SetAction(TestSignal, _originalTestSignal);
        // Disarmed: the handler no longer writes the cell.
        NativeMemory.Free(_cell);
        Assert.That(restored.Ok, Is.True, restored.ToString());
    }

    [OneTimeTearDown]
    public void DispositionsEndAsTheyBegan()
    {
        // The original SIGUSR2 may be the never-set one the process started with: glibc adds its restorer when setting it back.
        Assert.That(TestLibc.Differences(_originalTestSignal, TestLibc.QueryAction(TestSignal), sameSetter: false), Is.Empty, "SIGUSR2");
        Assert.That(TestLibc.Differences(_originalSigPipe, TestLibc.QueryAction(Libc.SIGPIPE)), Is.Empty, "SIGPIPE");
        Assert.That(Shim.SignalArmed(), Is.EqualTo(0));
    }

    private static void SetPrevious(nint handler, int flags, params int[] maskSignals) =>
        TestLibc.SetAction(TestSignal, new Libc.SignalAction { sa_handler = handler, sa_flags = flags, sa_mask = TestLibc.SetOf(maskSignals) });

    private void Install()
    {
        var installed = Signal.Install(TestSignal, (nint)_cell);
        Assert.That(installed.Ok, Is.True, installed.ToString());
    }

    private static void RaiseTestSignal() => Assert.That(TestLibc.Raise(TestSignal), Is.EqualTo(0));

    [Test]
    public void A_signal_requests_once_and_marks_active_then_only_counts_until_the_checkpoint_ends()
    {
        SetPrevious(Libc.SIG_IGN, 0);
        Install();
        Assert.That(Signal.CheckpointActive, Is.False);

        // raise() delivers to this thread before it returns.
        RaiseTestSignal();
        Assert.That(*_cell, Is.EqualTo(Requested));
        Assert.That(Signal.CheckpointActive, Is.True);
        Assert.That(Signal.TakeIgnoredRequests(), Is.EqualTo(0));

        *_cell = None;
        RaiseTestSignal();
        RaiseTestSignal();
        RaiseTestSignal();
        Assert.That(*_cell, Is.EqualTo(None), "a request while a checkpoint is active must not request again");
        Assert.That(Signal.CheckpointActive, Is.True);
        Assert.That(Signal.TakeIgnoredRequests(), Is.EqualTo(3));
        Assert.That(Signal.TakeIgnoredRequests(), Is.EqualTo(0), "taking resets the count");

        Signal.EndCheckpoint();
        Assert.That(Signal.CheckpointActive, Is.False);
        RaiseTestSignal();
        Assert.That(*_cell, Is.EqualTo(Requested), "after EndCheckpoint the next signal is a new request");
        Assert.That(Signal.CheckpointActive, Is.True);
    }

    [Test]
    public void Install_uses_sigaction_with_SA_RESTART_and_touches_only_its_signal()
    {
        SetPrevious(Libc.SIG_IGN, 0);
        var usr1Before = TestLibc.QueryAction(Libc.SIGUSR1);
        var pipeBefore = TestLibc.QueryAction(Libc.SIGPIPE);
        Install();

        var ours = TestLibc.QueryAction(TestSignal);
        Assert.That(ours.sa_handler, Is.EqualTo((nint)Shim.SignalHandlerAddress()));
        Assert.That(ours.sa_flags & Libc.SA_RESTART, Is.EqualTo(Libc.SA_RESTART));
        Assert.That(ours.sa_flags & Libc.SA_SIGINFO, Is.EqualTo(0));
        Assert.That(Shim.SignalArmed(), Is.EqualTo(TestSignal));
        Assert.That(Signal.InstalledSignal, Is.EqualTo(TestSignal));
        Assert.That(TestLibc.Differences(usr1Before, TestLibc.QueryAction(Libc.SIGUSR1)), Is.Empty);
        Assert.That(TestLibc.Differences(pipeBefore, TestLibc.QueryAction(Libc.SIGPIPE)), Is.Empty);
    }

    [Test]
    public void Restore_puts_back_a_previous_handler_exactly_and_it_runs_again()
    {
        SetPrevious(_previousHandler, Libc.SA_RESTART, Libc.SIGUSR1, Libc.SIGPIPE);
        var before = TestLibc.QueryAction(TestSignal);
        var callsBefore = _previousHandlerCount();

        Install();
        RaiseTestSignal();
        Assert.That(*_cell, Is.EqualTo(Requested));
        Assert.That(_previousHandlerCount(), Is.EqualTo(callsBefore), "the previous handler is replaced, not chained");

        Assert.That(Signal.Restore().Ok, Is.True);
        Assert.That(TestLibc.Differences(before, TestLibc.QueryAction(TestSignal)), Is.Empty);
        Assert.That(Shim.SignalArmed(), Is.EqualTo(0));
        Assert.That(Signal.InstalledSignal, Is.EqualTo(0));

        *_cell = None;
        RaiseTestSignal();
        Assert.That(_previousHandlerCount(), Is.EqualTo(callsBefore + 1));
        Assert.That(*_cell, Is.EqualTo(None));

        Assert.That(Signal.Restore().Ok, Is.True, "Restore is idempotent");
        Assert.That(TestLibc.Differences(before, TestLibc.QueryAction(TestSignal)), Is.Empty);
    }

    [Test]
    public void A_previous_SIG_IGN_is_replaced_and_restored_with_its_flags_and_mask()
    {
        SetPrevious(Libc.SIG_IGN, Libc.SA_RESTART, Libc.SIGFPE, Libc.SIGUSR1);
        var before = TestLibc.QueryAction(TestSignal);

        Install();
        RaiseTestSignal();
        Assert.That(*_cell, Is.EqualTo(Requested), "the host contract assigns the signal to us even if it was ignored");
        Assert.That(Signal.Restore().Ok, Is.True);

        Assert.That(TestLibc.Differences(before, TestLibc.QueryAction(TestSignal)), Is.Empty);
        Assert.That(TestLibc.QueryAction(TestSignal).sa_handler, Is.EqualTo((nint)Libc.SIG_IGN));
    }

    [Test]
    public void A_previous_SIG_DFL_is_restored()
    {
        SetPrevious(Libc.SIG_DFL, 0);
        var before = TestLibc.QueryAction(TestSignal);
        Install();
        Assert.That(Signal.Restore().Ok, Is.True);
        Assert.That(TestLibc.Differences(before, TestLibc.QueryAction(TestSignal)), Is.Empty);
    }

    [TestCase(Libc.SIGSEGV)]
    [TestCase(Libc.SIGFPE)]
    [TestCase(Libc.SIGPIPE)]
    [TestCase(Libc.SIGRTMIN)]
    public void Signals_the_runtime_owns_are_Refused_and_left_untouched(int signal)
    {
        var before = TestLibc.QueryAction(signal);

        var installed = Signal.Install(signal, (nint)_cell);

        Assert.That(installed.Failure, Is.EqualTo(ChannelFailure.Refused), installed.ToString());
        Assert.That(installed.Detail, Does.Contain("opal_cr_signal"));
        Assert.That(TestLibc.Differences(before, TestLibc.QueryAction(signal)), Is.Empty);
        Assert.That(Shim.SignalArmed(), Is.EqualTo(0));
        Assert.That(Signal.InstalledSignal, Is.EqualTo(0));
    }

    [Test]
    public void A_signal_sigaction_rejects_is_a_SystemError_and_nothing_stays_armed()
    {
        var installed = Signal.Install(Libc.SIGKILL, (nint)_cell);

        Assert.That(installed.Failure, Is.EqualTo(ChannelFailure.SystemError), installed.ToString());
        Assert.That(installed.Errno, Is.EqualTo(Libc.EINVAL));
        Assert.That(installed.Detail, Does.Contain("sigaction").And.Contain("Invalid argument"));
        Assert.That(Shim.SignalArmed(), Is.EqualTo(0));
        Assert.That(Signal.Restore().Ok, Is.True);
    }

    [TestCase(0, true)]
    [TestCase(Libc.NSIG, true)]
    [TestCase(TestSignal, false)]
    public void A_null_cell_or_an_impossible_signal_number_is_refused_before_sigaction(int signal, bool validCell)
    {
        SetPrevious(Libc.SIG_IGN, 0);
        var before = TestLibc.QueryAction(TestSignal);

        var installed = Signal.Install(signal, validCell ? (nint)_cell : 0);

        Assert.That((installed.Failure, installed.Errno), Is.EqualTo((ChannelFailure.SystemError, Libc.EINVAL)), installed.ToString());
        Assert.That(TestLibc.Differences(before, TestLibc.QueryAction(TestSignal)), Is.Empty);
        Assert.That(Shim.SignalArmed(), Is.EqualTo(0));
    }

    [Test]
    public void A_second_Install_is_Refused_and_the_first_stays_in_effect()
    {
        SetPrevious(Libc.SIG_IGN, 0);
        Install();
        var other = (int*)NativeMemory.AllocZeroed(sizeof(int));
        try
        {
            var again = Signal.Install(Libc.SIGUSR1, (nint)other);
            Assert.That(again.Failure, Is.EqualTo(ChannelFailure.Refused), again.ToString());
            RaiseTestSignal();
            Assert.That((*_cell, *other), Is.EqualTo((Requested, 0)));
            Assert.That(TestLibc.QueryAction(Libc.SIGUSR1).sa_handler, Is.Not.EqualTo((nint)Shim.SignalHandlerAddress()));
        }
        finally
        {
            NativeMemory.Free(other);
        }
    }

    [Test]
    public void The_handler_ignores_other_signal_numbers_and_does_nothing_when_disarmed()
    {
        var handler = (delegate* unmanaged<int, void>)Shim.SignalHandlerAddress();
        SetPrevious(Libc.SIG_IGN, 0);
        Install();

        handler(Libc.SIGUSR1);
        Assert.That((*_cell, Signal.CheckpointActive, Signal.TakeIgnoredRequests()), Is.EqualTo((0, false, 0L)));

        Assert.That(Signal.Restore().Ok, Is.True);
        handler(TestSignal);
        Assert.That((*_cell, Signal.CheckpointActive, Signal.TakeIgnoredRequests()), Is.EqualTo((0, false, 0L)));
    }

    /// <summary>
    /// 10,000 process-directed signals from another thread while a checkpoint is active: each lands on whichever
    /// thread the kernel picks, none crashes, and the cell is written once only (by the first, accepted request).
    /// </summary>
    [Test]
    public void A_storm_of_ten_thousand_signals_while_active_changes_the_cell_once()
    {
        // SIG_IGN underneath: a storm signal still in flight after Restore is dropped, not fatal.
        SetPrevious(Libc.SIG_IGN, 0);
        Install();
        RaiseTestSignal();
        Assert.That(*_cell, Is.EqualTo(Requested));
        *_cell = None;

        const int storm = 10_000;
        var sent = 0;
        var failures = 0;
        var stormer = new Thread(() =>
        {
            for (var i = 0; i < storm; i++)
            {
                if (TestLibc.Kill(Environment.ProcessId, TestSignal) == 0)
                {
                    sent++;
                }
                else
                {
                    failures++;
                }
            }
        }) { IsBackground = true, Name = "signal-storm" };
        var start = Stopwatch.GetTimestamp();
        stormer.Start();
        Assert.That(stormer.Join(TimeSpan.FromSeconds(60)), Is.True, "the storm did not finish");
        // Standard signals coalesce while pending: wait until the last one has been delivered.
        while (TestLibc.IsPending(TestSignal) && Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(65))
        {
            Thread.Sleep(1);
        }

        var ignored = Signal.TakeIgnoredRequests();
        TestContext.Out.WriteLine($"{sent} signals sent in {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F0} ms, {ignored} delivered and counted");
        Assert.That((sent, failures), Is.EqualTo((storm, 0)));
        Assert.That(*_cell, Is.EqualTo(None), "the storm wrote the cell");
        Assert.That(Signal.CheckpointActive, Is.True);
        Assert.That(ignored, Is.InRange(1, storm));

        Signal.EndCheckpoint();
        RaiseTestSignal();
        Assert.That(*_cell, Is.EqualTo(Requested));
    }

    /// <summary>
    /// The C handler on its own, compiled from src/shim/checkpoint_signal.c into a test program: errno is
    /// preserved, arguments are checked, and under four threads calling it 100,000 times each exactly one call
    /// wins the request.
    /// </summary>
    [Test]
    public void The_C_handler_preserves_errno_and_accepts_exactly_one_request_under_concurrency()
    {
        var shimDir = Path.Combine(TestEnvironment.SourceDir, "src", "shim");
        var binary = NativeToolchain.CompileC(TestEnvironment.ScratchDir("channels-signal-c"), "checkpoint_signal_unit", """
            #define _GNU_SOURCE
            #include <errno.h>
            #include <pthread.h>
            #include <signal.h>
            #include <stdio.h>
            #include "checkpoint_signal.h"

            #define CHECK(cond) do { if (!(cond)) { printf("FAILED line %d: %s\n", __LINE__, #cond); return 1; } } while (0)

            static void *hammer(void *unused)
            {
                (void)unused;
                for (int i = 0; i < 100000; ++i) {
                    native_snapc_signal_handler(SIGUSR2);
                }
                return NULL;
            }

            int main(void)
            {
                int cell = 0;
                errno = 1234;
                native_snapc_signal_handler(SIGUSR2); /* disarmed */
                CHECK(1234 == errno && 0 == cell && 0 == native_snapc_signal_checkpoint_active());

                CHECK(EINVAL == native_snapc_signal_arm(SIGUSR2, NULL));
                CHECK(EINVAL == native_snapc_signal_arm(0, &cell));
                CHECK(EINVAL == native_snapc_signal_arm(NSIG, &cell));
                CHECK(0 == native_snapc_signal_armed());
                CHECK(0 == native_snapc_signal_arm(SIGUSR2, &cell));
                CHECK(SIGUSR2 == native_snapc_signal_armed());

                errno = 77;
                native_snapc_signal_handler(SIGUSR1);
                CHECK(77 == errno && 0 == cell);
                native_snapc_signal_handler(SIGUSR2);
                CHECK(77 == errno && 5 == cell && 1 == native_snapc_signal_checkpoint_active());
                cell = 4;
                native_snapc_signal_handler(SIGUSR2);
                native_snapc_signal_handler(SIGUSR2);
                CHECK(77 == errno && 4 == cell && 2 == native_snapc_signal_take_ignored() && 0 == native_snapc_signal_take_ignored());

                native_snapc_signal_end_checkpoint();
                CHECK(0 == native_snapc_signal_checkpoint_active());
                cell = 0;
                pthread_t threads[4];
                for (int i = 0; i < 4; ++i) CHECK(0 == pthread_create(&threads[i], NULL, hammer, NULL));
                for (int i = 0; i < 4; ++i) CHECK(0 == pthread_join(threads[i], NULL));
                const long ignored = native_snapc_signal_take_ignored();
                CHECK(5 == cell && 1 == native_snapc_signal_checkpoint_active() && 4 * 100000 - 1 == ignored);

                /* Arming again starts a fresh session. */
                CHECK(0 == native_snapc_signal_arm(SIGUSR2, &cell));
                CHECK(0 == native_snapc_signal_checkpoint_active());

                native_snapc_signal_disarm();
                cell = 0;
                native_snapc_signal_handler(SIGUSR2);
                CHECK(0 == native_snapc_signal_armed() && 0 == cell && 0 == native_snapc_signal_take_ignored());
                CHECK((void *)&native_snapc_signal_handler == native_snapc_signal_handler_address());
                puts("ok");
                return 0;
            }
            """, extraArguments: [Path.Combine(shimDir, "checkpoint_signal.c"), "-I" + shimDir, "-pthread"]);
        var run = ProcessRunner.Run(binary, Array.Empty<string>(), TimeSpan.FromMinutes(1));
        Assert.That((run.ExitCode, run.StandardOutput.Trim()), Is.EqualTo((0, "ok")), run.Describe());
    }
}
