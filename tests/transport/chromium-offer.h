/* gst-p2pcdn tests: Chromium data channel offers (pml-2.3.1-vectors.md, section 4).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The capture keeps the session and m-line lines verbatim (o= id, port,
 * host candidate on 10.200.0.1, setup, sctp-port, max-message-size) and
 * shortens the credentials; those (ice-ufrag, ice-pwd, fingerprint) are
 * filled in here with values of the right shape, in the line order the
 * capture documents, CRLF line ends included.  The mDNS variant is the same
 * offer as Chromium sends it without --disable-features=
 * WebRtcHideLocalIpsWithMdns: the host address hidden behind <uuid>.local.
 */
#pragma once

#define CHROMIUM_OFFER_SDP \
  "v=0\r\n" \
  "o=- 7699709701325146520 2 IN IP4 127.0.0.1\r\n" \
  "s=-\r\n" \
  "t=0 0\r\n" \
  "a=group:BUNDLE 0\r\n" \
  "a=extmap-allow-mixed\r\n" \
  "a=msid-semantic: WMS\r\n" \
  "m=application 34633 UDP/DTLS/SCTP webrtc-datachannel\r\n" \
  "c=IN IP4 10.200.0.1\r\n" \
  "a=candidate:3914519396 1 udp 2113937151 10.200.0.1 34633 typ host " \
      "generation 0 network-cost 999\r\n" \
  "a=ice-ufrag:Vq7e\r\n" \
  "a=ice-pwd:aR0Pz4mMXN1cQ0fGmC3b8Lk9\r\n" \
  "a=fingerprint:sha-256 5C:0E:71:9B:3A:E2:4F:60:1D:88:C7:25:B9:0A:6E:F3:" \
      "42:17:D5:8C:9E:01:AB:36:7F:C4:58:E9:20:B1:6D:93\r\n" \
  "a=setup:actpass\r\n" \
  "a=mid:0\r\n" \
  "a=sctp-port:5000\r\n" \
  "a=max-message-size:262144\r\n"

#define CHROMIUM_OFFER_MDNS_SDP \
  "v=0\r\n" \
  "o=- 385866085572314405 2 IN IP4 127.0.0.1\r\n" \
  "s=-\r\n" \
  "t=0 0\r\n" \
  "a=group:BUNDLE 0\r\n" \
  "a=extmap-allow-mixed\r\n" \
  "a=msid-semantic: WMS\r\n" \
  "m=application 55295 UDP/DTLS/SCTP webrtc-datachannel\r\n" \
  "c=IN IP4 0.0.0.0\r\n" \
  "a=candidate:1510613869 1 udp 2113937151 " \
      "6b1e2f0a-93c4-4d57-8e21-c0f5a7d3b9e4.local 55295 typ host " \
      "generation 0 network-cost 999\r\n" \
  "a=ice-ufrag:p8Jd\r\n" \
  "a=ice-pwd:Yt2nH6wQe0ZrL5vK1sB9dF3m\r\n" \
  "a=fingerprint:sha-256 A1:3F:08:D2:6C:95:E7:4B:10:2A:C8:F6:59:03:BE:71:" \
      "E4:8D:26:0F:93:5A:C1:7E:B2:44:6D:F0:19:A8:3C:57\r\n" \
  "a=setup:actpass\r\n" \
  "a=mid:0\r\n" \
  "a=sctp-port:5000\r\n" \
  "a=max-message-size:262144\r\n"
