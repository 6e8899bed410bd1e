/* gst-p2pcdn: what the benchmark programs share.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-bench-child.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

void
p2p_bench_run_child (const gchar * self, const gchar * what,
    const gchar * url, guint loops, gdouble * cpu_s, gdouble * rss_mb)
{
  struct rusage ru;
  int status;
  pid_t pid = fork ();

  if (pid == 0) {
    gchar *n = g_strdup_printf ("%u", loops);

    execl (self, self, "--child", what, url, n, NULL);
    _exit (127);
  }
  if (wait4 (pid, &status, 0, &ru) < 0 || !WIFEXITED (status)
      || WEXITSTATUS (status) != 0)
    g_error ("the %s run failed", what);
  *cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  *rss_mb = ru.ru_maxrss / 1024.0;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

gdouble
p2p_bench_median (gdouble * v, guint n)
{
  qsort (v, n, sizeof (gdouble), (GCompareFunc) cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
