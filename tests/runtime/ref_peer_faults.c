/*
 * ref_peer's fault settings (README.md#ref_peer): what --die-at, --hnp, --fifo-fault, --sstore-fault and
 * --no-fifo-open set at start and the "fault" command at run time. The roles apply them: die_now at the
 * handshake's steps (ref_peer_local.c), the FIFO faults when writing (ref_peer_local.c), the HNP faults on its
 * replies (ref_peer_hnp.c), noref on PULL replies (ref_peer_sstore.c).
 */
#define _GNU_SOURCE
#include "ref_peer.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ref_text.h"

fault_config_t fault;

static const char *const die_names[] = {"none", "signal", "open", "options", "response", "release"};
const char *const fifo_stage_names[] = {"none", "options", "sentinel", "release"};
const char *const hnp_mode_names[] = {"normal", "silent", "garbage", "truncated", "late", "wrong",
                                      "ack-then-reply", "garbage-then-reply"};

void die_now(enum die_point point)
{
    if (fault.die_at != point || (0 != fault.die_ckpt && fault.die_ckpt != ck.number)) {
        return;
    }
    out("FAULT die at=%s how=%s checkpoint=%d", die_names[point], fault.die_kill ? "kill" : "exit", ck.number);
    cleanup_socket();
    if (fault.die_kill) {
        kill(getpid(), SIGKILL);
    }
    _exit(3);
}

bool fifo_fault_here(enum fifo_stage stage)
{
    return fault.fifo_stage == stage && (0 == fault.fifo_ckpt || fault.fifo_ckpt == ck.number);
}

/* Splits "<what>@<n>" and parses n (the checkpoint a fault applies to; 0 = every one). */
static bool split_at_number(char *text, int *number)
{
    *number = 0;
    char *at = strchr(text, '@');
    long n = 0;
    if (NULL == at) {
        return true;
    }
    *at++ = '\0';
    if (!ref_parse_long(at, 1, 1000000, &n)) {
        return false;
    }
    *number = (int)n;
    return true;
}

/* die-at STAGE[:kill|exit][@N] | hnp MODE[:fin|ckpt|migrate] | fifo STAGE:garbage|short[@N] | sstore noref[@N]
 * | no-open | clear */
bool set_fault(const char *kind, const char *arg)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", NULL == arg ? "" : arg);
    if (0 == strcmp(kind, "clear")) {
        memset(&fault, 0, sizeof(fault));
        return true;
    }
    if (0 == strcmp(kind, "no-open") || 0 == strcmp(kind, "no-fifo-open")) {
        fault.no_open = true;
        return true;
    }
    if (0 == strcmp(kind, "die-at")) {
        int number = 0;
        if (!split_at_number(buf, &number)) {
            return false;
        }
        char *how = strchr(buf, ':');
        if (NULL != how) {
            *how++ = '\0';
        }
        for (int i = DIE_SIGNAL; i <= DIE_RELEASE; ++i) {
            if (0 == strcmp(buf, die_names[i]) && (NULL == how || 0 == strcmp(how, "kill") || 0 == strcmp(how, "exit"))) {
                fault.die_at = (enum die_point)i;
                fault.die_kill = NULL == how || 0 == strcmp(how, "kill");
                fault.die_ckpt = number;
                return true;
            }
        }
        return false;
    }
    if (0 == strcmp(kind, "hnp")) {
        char *which = strchr(buf, ':');
        if (NULL != which) {
            *which++ = '\0';
        }
        unsigned mask = REPLY_ALL;
        if (NULL != which) {
            mask = 0 == strcmp(which, "fin") ? REPLY_FIN : 0 == strcmp(which, "ckpt") ? REPLY_CKPT
                   : 0 == strcmp(which, "migrate") ? REPLY_MIGRATE : 0 == strcmp(which, "all") ? REPLY_ALL : 0;
        }
        for (int i = HNP_NORMAL; i <= HNP_GARBAGE_THEN_REPLY && 0 != mask; ++i) {
            if (0 == strcmp(buf, hnp_mode_names[i])) {
                fault.hnp = (enum hnp_mode)i;
                fault.hnp_which = mask;
                return true;
            }
        }
        return false;
    }
    if (0 == strcmp(kind, "sstore") || 0 == strcmp(kind, "sstore-fault")) {
        int number = 0;
        if (!split_at_number(buf, &number) || 0 != strcmp(buf, "noref")) {
            return false;
        }
        fault.pull_noref = true;
        fault.pull_ckpt = number;
        return true;
    }
    if (0 == strcmp(kind, "fifo") || 0 == strcmp(kind, "fifo-fault")) {
        int number = 0;
        if (!split_at_number(buf, &number)) {
            return false;
        }
        char *what = strchr(buf, ':');
        if (NULL == what) {
            return false;
        }
        *what++ = '\0';
        for (int i = STAGE_OPTIONS; i <= STAGE_RELEASE; ++i) {
            if (0 == strcmp(buf, fifo_stage_names[i]) && (0 == strcmp(what, "short") || 0 == strcmp(what, "garbage"))) {
                fault.fifo_stage = (enum fifo_stage)i;
                fault.fifo_short = 0 == strcmp(what, "short");
                fault.fifo_ckpt = number;
                return true;
            }
        }
        return false;
    }
    return false;
}
