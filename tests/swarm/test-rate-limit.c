/* gst-p2pcdn tests: the upload rate cap's token bucket.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "p2p-rate-limit.h"

/* Over ten seconds of a clock, what goes out stays at the rate (plus one
 * burst), however the sender asks. */
static void
test_rate_holds (void)
{
  P2pRateLimit l;
  gint64 now = 1000;
  guint64 sent = 0;

  p2p_rate_limit_init (&l, 250000);     /* 2 Mbit/s */
  while (now < 10 * G_USEC_PER_SEC) {
    gsize n = p2p_rate_limit_available (&l, now, 65536);

    if (n == 65536) {
      p2p_rate_limit_consume (&l, n);
      sent += n;
    } else {
      gint64 wait = p2p_rate_limit_wait_us (&l, now, 65536);

      g_assert_cmpint (wait, >, 0);
      now += wait;
      continue;
    }
  }
  g_assert_cmpuint (sent, <=, 250000 * 10 + 65536 + 62500);
  g_assert_cmpuint (sent, >=, 250000 * 9);
}

static void
test_no_limit (void)
{
  P2pRateLimit l;

  p2p_rate_limit_init (&l, 0);
  g_assert_cmpuint (p2p_rate_limit_available (&l, 5, 1 << 20), ==, 1 << 20);
  g_assert_cmpint (p2p_rate_limit_wait_us (&l, 5, 1 << 20), ==, 0);
  g_assert_cmpuint (p2p_rate_limit_available (NULL, 5, 7), ==, 7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rate-limit/rate-holds", test_rate_holds);
  g_test_add_func ("/rate-limit/no-limit", test_no_limit);
  return g_test_run ();
}
