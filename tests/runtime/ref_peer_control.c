/*
 * ref_peer's control (README.md#ref_peer): the commands read from stdin, one per line, and the --on actions,
 * commands run a delay after the Nth occurrence of an event (start, hello, init, fin, done, local_finish).
 */
#define _GNU_SOURCE
#include "ref_peer.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ref_text.h"

#define MAX_ACTIONS 64

bool quit_requested;

static char stdin_buf[4096];
static size_t stdin_len;

/* --on EVENT[#N][+MS]=COMMAND */
typedef struct {
    char event[32];
    int nth;
    int delay_ms;
    char command[256];
    bool fired;
} on_action_t;
static on_action_t on_actions[MAX_ACTIONS];
static int on_count;
static struct {
    char name[32];
    int count;
} event_counts[16];
static struct {
    uint64_t due;
    char command[256];
} delayed[MAX_ACTIONS];
static int delayed_count;

/* ---- the --on actions -------------------------------------------------------------------------- */

static void run_command(const char *line);

bool add_on_action(const char *spec)
{
    if (on_count == MAX_ACTIONS) {
        return false;
    }
    on_action_t *a = &on_actions[on_count];
    memset(a, 0, sizeof(*a));
    const char *eq = strchr(spec, '=');
    if (NULL == eq || eq == spec || (size_t)(eq - spec) >= sizeof(a->event)) {
        return false;
    }
    char head[64];
    snprintf(head, sizeof(head), "%.*s", (int)(eq - spec), spec);
    snprintf(a->command, sizeof(a->command), "%s", eq + 1);
    a->nth = 1;
    char *plus = strchr(head, '+');
    long v = 0;
    if (NULL != plus) {
        *plus++ = '\0';
        if (!ref_parse_long(plus, 0, 3600 * 1000, &v)) {
            return false;
        }
        a->delay_ms = (int)v;
    }
    char *hash = strchr(head, '#');
    if (NULL != hash) {
        *hash++ = '\0';
        if (!ref_parse_long(hash, 1, 1000000, &v)) {
            return false;
        }
        a->nth = (int)v;
    }
    snprintf(a->event, sizeof(a->event), "%.31s", head); /* length checked above */
    ++on_count;
    return true;
}

void fire(const char *event)
{
    int count = 0;
    for (int i = 0; i < (int)(sizeof(event_counts) / sizeof(event_counts[0])); ++i) {
        if (0 == strcmp(event_counts[i].name, event)) {
            count = ++event_counts[i].count;
            break;
        }
        if ('\0' == event_counts[i].name[0]) {
            snprintf(event_counts[i].name, sizeof(event_counts[i].name), "%s", event);
            count = event_counts[i].count = 1;
            break;
        }
    }
    for (int i = 0; i < on_count; ++i) {
        on_action_t *a = &on_actions[i];
        if (a->fired || 0 != strcmp(a->event, event) || a->nth != count) {
            continue;
        }
        a->fired = true;
        if (delayed_count < MAX_ACTIONS) {
            delayed[delayed_count].due = now_ms() + (uint64_t)a->delay_ms;
            snprintf(delayed[delayed_count].command, sizeof(delayed[delayed_count].command), "%s", a->command);
            ++delayed_count;
        }
    }
}

void run_due_actions(void)
{
    uint64_t now = now_ms();
    for (int i = 0; i < delayed_count;) {
        if (delayed[i].due <= now) {
            char command[256];
            snprintf(command, sizeof(command), "%s", delayed[i].command);
            delayed[i] = delayed[--delayed_count];
            out("ACTION %s", command);
            run_command(command);
            now = now_ms();
            i = 0;
        } else {
            ++i;
        }
    }
}

/* ---- control commands -------------------------------------------------------------------------- */

static void run_command(const char *line)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", line);
    char *words[8] = {0};
    int n = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t\r\n", &save); NULL != w && n < 8; w = strtok_r(NULL, " \t\r\n", &save)) {
        words[n++] = w;
    }
    if (0 == n) {
        return;
    }
    long v = 0;
    if (0 == strcmp(words[0], "checkpoint") || 0 == strcmp(words[0], "storm")) {
        request_t req = {.event = 0, .leader_app = -1, .signals = 1};
        int first = 1;
        if (0 == strcmp(words[0], "storm")) {
            if (n < 2 || !ref_parse_long(words[1], 1, 100000, &v)) {
                out("ERROR usage: storm <n> [term|stop|inc_prep_only]...");
                return;
            }
            req.signals = (int)v;
            first = 2;
        }
        for (int i = first; i < n; ++i) {
            if (0 == strcmp(words[i], "term")) {
                req.term = true;
            } else if (0 == strcmp(words[i], "stop")) {
                req.stop = true;
            } else if (0 == strcmp(words[i], "inc_prep_only")) {
                req.inc_prep_only = true;
            } else {
                out("ERROR unknown checkpoint option '%s' (term|stop|inc_prep_only)", words[i]);
                return;
            }
        }
        enqueue(&req);
    } else if (0 == strcmp(words[0], "signal")) {
        long count = 1;
        if (n >= 2 && !ref_parse_long(words[1], 1, 100000, &count)) {
            out("ERROR usage: signal [n]");
            return;
        }
        for (int a = 0; a < MAX_APPS; ++a) {
            if (apps[a].used && apps[a].hello) {
                int sent = 0;
                for (long i = 0; i < count; ++i) {
                    sent += 0 == kill(apps[a].pid, cfg.signo);
                }
                out("SIGNAL vpid=%u pid=%d id=none signo=%d count=%d", apps[a].vpid, (int)apps[a].pid, cfg.signo, sent);
            }
        }
    } else if (0 == strcmp(words[0], "kill-app")) {
        /* kill-app <vpid>|conn=<n> [signo]: make an application process die (SIGKILL by default) */
        long id = 0, signo = SIGKILL;
        bool by_conn = n >= 2 && 0 == strncmp(words[1], "conn=", 5);
        if (n < 2 || !ref_parse_long(by_conn ? words[1] + 5 : words[1], 0, UINT32_MAX, &id)
            || (n >= 3 && !ref_parse_long(words[2], 1, 64, &signo))) {
            out("ERROR usage: kill-app <vpid>|conn=<n> [signo]");
            return;
        }
        for (int a = 0; a < MAX_APPS; ++a) {
            if (apps[a].used && apps[a].hello
                && (by_conn ? apps[a].conn == (int)id : apps[a].vpid == (uint32_t)id)) {
                terminate_app(a, (int)signo, "command");
            }
        }
    } else if (0 == strcmp(words[0], "fault")) {
        if (n < 2 || !set_fault(words[1], n >= 3 ? words[2] : NULL)) {
            out("ERROR usage: fault die-at <stage>[:kill|exit][@n] | hnp <silent|garbage|truncated|late|wrong|ack-then-reply|garbage-then-reply|normal>"
                "[:fin|ckpt|migrate] | fifo <options|sentinel|release>:<garbage|short>[@n] | sstore noref[@n] | no-open"
                " | clear");
            return;
        }
        out("FAULT set %s %s", words[1], n >= 3 ? words[2] : "");
    } else if (0 == strcmp(words[0], "status")) {
        out("STATUS phase=%d checkpoint=%d queue=%d", (int)ck.phase, ck.number, queued_requests());
        for (int a = 0; a < MAX_APPS; ++a) {
            if (apps[a].used) {
                int i = find_part(a);
                out("STATUS conn=%d jobid=%u vpid=%u pid=%d next_id=%d part=%s", apps[a].conn, apps[a].jobid,
                    apps[a].vpid, (int)apps[a].pid, apps[a].next_id, i < 0 ? "-" : part_state_names[ck.parts[i].st]);
            }
        }
    } else if (0 == strcmp(words[0], "quit")) {
        quit_requested = true;
    } else {
        out("ERROR unknown command '%s' (checkpoint|storm|signal|kill-app|fault|status|quit)", words[0]);
    }
}

bool handle_stdin(void)
{
    ssize_t r = read(STDIN_FILENO, stdin_buf + stdin_len, sizeof(stdin_buf) - 1 - stdin_len);
    if (r <= 0) {
        return r < 0 && (EINTR == errno || EAGAIN == errno); /* else closed, or unreadable: stop polling it */
    }
    stdin_len += (size_t)r;
    stdin_buf[stdin_len] = '\0';
    char *nl;
    while (NULL != (nl = strchr(stdin_buf, '\n'))) {
        *nl = '\0';
        out("COMMAND %s", stdin_buf);
        run_command(stdin_buf);
        size_t used = (size_t)(nl - stdin_buf) + 1;
        memmove(stdin_buf, stdin_buf + used, stdin_len - used + 1);
        stdin_len -= used;
    }
    if (stdin_len == sizeof(stdin_buf) - 1) {
        stdin_len = 0; /* an overlong line: drop it */
    }
    return true;
}
