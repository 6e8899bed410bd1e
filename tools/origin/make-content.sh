#!/bin/sh
# Generates the HLS/DASH test content served by p2pcdn-origin (ffmpeg, once, cached).
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: make-content.sh [OUTDIR]
# OUTDIR defaults to ${P2PCDN_CONTENT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gst-p2pcdn/content}
# (the same place as g_get_user_cache_dir()/gst-p2pcdn/content).
# Prints the absolute content directory as the last line of stdout.
#
# Everything is cut from one encode (two x264 renditions + AAC, 60 s) with
# "-c copy", which keeps the whole run to a few seconds on two cores.
# Bump CONTENT_VERSION whenever the layout or the encoding changes.

set -eu

CONTENT_VERSION="p2pcdn-origin-content 1"
STAMP=".content-version"

CACHE="${XDG_CACHE_HOME:-${HOME:?}/.cache}"
OUTDIR="${1:-${P2PCDN_CONTENT_DIR:-$CACHE/gst-p2pcdn/content}}"

die () {
  echo "make-content.sh: $*" >&2
  exit 1
}

if [ -f "$OUTDIR/$STAMP" ] && [ "$(cat "$OUTDIR/$STAMP")" = "$CONTENT_VERSION" ]; then
  (cd "$OUTDIR" && pwd)
  exit 0
fi

if [ -e "$OUTDIR" ]; then
  # Only ever replace what this script made: never wipe a directory given by mistake.
  if [ -f "$OUTDIR/$STAMP" ]; then
    rm -rf "$OUTDIR"
  elif [ -d "$OUTDIR" ] && [ -z "$(ls -A "$OUTDIR")" ]; then
    rmdir "$OUTDIR"
  else
    die "$OUTDIR exists and was not made by this script; refusing to overwrite it"
  fi
fi

command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg not found"
command -v ffprobe >/dev/null 2>&1 || die "ffprobe not found"

mkdir -p "$(dirname "$OUTDIR")"
# Build next to the destination and rename at the end so that concurrent runs
# and interrupted runs never leave a half-written tree behind the stamp.
WORK="$(mktemp -d "$OUTDIR.tmp.XXXXXX")"
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM
cd "$WORK"

FF="ffmpeg -nostdin -hide_banner -loglevel error -y"
SEG=2
VOD_LEN=20
LIVE_SEGMENTS=30
SRC_LEN=$((SEG * LIVE_SEGMENTS))
SRC=source/av-${SRC_LEN}s.mp4

mkdir -p source
# Durations go on the lavfi sources: an output -t with filter_complex is very slow.
# -bf 0 and a fixed GOP of 2 s make every segment start on a keyframe with PTS = DTS.
$FF -f lavfi -i "testsrc=size=320x240:rate=25:duration=$SRC_LEN" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$SRC_LEN" \
  -filter_complex "[0:v]split=2[hi][lo0];[lo0]scale=160:120[lo]" \
  -map "[hi]" -map "[lo]" -map 1:a -pix_fmt yuv420p \
  -c:v libx264 -preset veryfast -bf 0 -g 50 -keyint_min 50 -sc_threshold 0 \
  -b:v:0 400k -b:v:1 150k -c:a aac -b:a 64k -ac 2 \
  -metadata title="gst-p2pcdn test content" "$SRC"

# Two renditions (320x240, 160x120) sharing the audio: DIR/master.m3u8, DIR/vN/index.m3u8
hls_pair () {
  dir=$1
  len=$2
  shift 2
  mkdir -p "$dir"
  $FF -t "$len" -i "$SRC" -map 0:0 -map 0:1 -map 0:2 -map 0:2 -c copy \
    -f hls -hls_time $SEG -hls_list_size 0 -hls_segment_type mpegts \
    -master_pl_name master.m3u8 -var_stream_map "v:0,a:0 v:1,a:1" \
    "$@" "$dir/v%v/index.m3u8"
}

dash_set () {
  dir=$1
  len=$2
  shift 2
  mkdir -p "$dir"
  $FF -t "$len" -i "$SRC" -map 0:0 -map 0:1 -map 0:2 -c copy \
    -f dash -seg_duration $SEG -adaptation_sets "id=0,streams=v id=1,streams=a" \
    "$@" "$dir/manifest.mpd"
}

# --- HLS ---------------------------------------------------------------------
hls_pair hls/vod $VOD_LEN -hls_playlist_type vod \
  -hls_segment_filename 'hls/vod/v%v/seg%03d.ts'

hls_pair hls/byterange $VOD_LEN -hls_playlist_type vod -hls_flags single_file \
  -hls_segment_filename 'hls/byterange/v%v/media.ts'

mkdir -p hls/media-only
$FF -t $VOD_LEN -i "$SRC" -map 0:0 -map 0:2 -c copy -f hls -hls_time $SEG \
  -hls_list_size 0 -hls_playlist_type vod -hls_segment_type mpegts \
  -hls_segment_filename hls/media-only/seg%03d.ts hls/media-only/index.m3u8

# Absolute URIs: the origin replaces @BASE@ with its own http://HOST:PORT when serving *.in.
mkdir -p hls/abs
sed -E '/^[^#]/ s|^|@BASE@/hls/abs/|' hls/vod/master.m3u8 > hls/abs/master.m3u8.in
for v in hls/vod/v*; do
  name=$(basename "$v")
  mkdir -p "hls/abs/$name"
  sed -E "/^[^#]/ s|^|@BASE@/hls/abs/$name/|" "$v/index.m3u8" > "hls/abs/$name/index.m3u8.in"
  for ts in "$v"/*.ts; do
    ln "$ts" "hls/abs/$name/" 2>/dev/null || cp "$ts" "hls/abs/$name/"
  done
done

# --- DASH --------------------------------------------------------------------
dash_set dash/template $VOD_LEN -use_template 1 -use_timeline 0
dash_set dash/timeline $VOD_LEN -use_template 1 -use_timeline 1
dash_set dash/list $VOD_LEN -use_template 0 -use_timeline 0 -single_file 1

# SegmentBase: ffmpeg writes one fragmented MP4 per representation with a global
# sidx right after the moov, but describes it with a SegmentList; rewrite each
# representation's SegmentList into SegmentBase from the file's top-level boxes.
dash_set dash/base $VOD_LEN -use_template 0 -use_timeline 0 -single_file 1 -global_sidx 1

box_header () {
  # prints "SIZE TYPE" of the ISO BMFF box at byte offset $2 of file $1
  od -An -tu1 -j "$2" -N8 "$1" | {
    read -r a b c d e f g h
    printf '%s ' $(( (a << 24) | (b << 16) | (c << 8) | d ))
    printf "\\$(printf %o "$e")\\$(printf %o "$f")\\$(printf %o "$g")\\$(printf %o "$h")\n"
  }
}

segment_base_ranges () {
  # prints "INIT_END SIDX_START SIDX_END" for a file laid out as ftyp, moov, sidx
  file=$1
  off=0
  init_end=
  for expect in ftyp moov sidx; do
    set -- $(box_header "$file" $off)
    [ "${2:-}" = "$expect" ] || die "$file: expected $expect at $off, found ${2:-nothing}"
    [ "$expect" = sidx ] && { echo "$init_end $off $((off + $1 - 1))"; return; }
    off=$((off + $1))
    init_end=$((off - 1))
  done
}

ranges=""
for mp4 in dash/base/manifest-stream*.mp4; do
  ranges="$ranges $(basename "$mp4")=$(segment_base_ranges "$mp4" | tr ' ' ,)"
done
awk -v ranges="$ranges" '
  BEGIN { n = split (ranges, r, " "); for (i = 1; i <= n; i++) { split (r[i], kv, "="); map[kv[1]] = kv[2] } }
  /<BaseURL>/ { file = $0; sub (/.*<BaseURL>/, "", file); sub (/<\/BaseURL>.*/, "", file) }
  /<SegmentList/ {
    skipping = 1; split (map[file], v, ",")
    if (v[3] == "") { print "no ranges for " file > "/dev/stderr"; exit 1 }
    indent = $0; sub (/<.*/, "", indent)
    print indent "<SegmentBase indexRange=\"" v[2] "-" v[3] "\" indexRangeExact=\"true\">"
    print indent "\t<Initialization range=\"0-" v[1] "\" />"
    print indent "</SegmentBase>"
  }
  !skipping { print }
  /<\/SegmentList>/ { skipping = 0 }
' dash/base/manifest.mpd > dash/base/manifest.mpd.new
mv dash/base/manifest.mpd.new dash/base/manifest.mpd

# --- Live sources --------------------------------------------------------------
# The origin builds live playlists and MPDs from the clock; these are the
# $LIVE_SEGMENTS segments it cycles through (continuous timestamps over 60 s).
hls_pair live/hls $SRC_LEN -hls_segment_filename 'live/hls/v%v/seg%03d.ts'
rm -f live/hls/v*/index.m3u8

dash_set live/dash $SRC_LEN -use_template 1 -use_timeline 0
# keep only the Period: the origin writes the dynamic MPD element around it
sed -n '/<Period/,/<\/Period>/p' live/dash/manifest.mpd > live/dash/period.xml
rm -f live/dash/manifest.mpd

reps=""
timescales=""
for init in live/dash/init-stream*.m4s; do
  id=${init#live/dash/init-stream}
  id=${id%.m4s}
  ts=$(ffprobe -v error -show_entries stream=time_base -of csv=p=0 "$init")
  reps="$reps$id;"
  timescales="$timescales${ts#1/};"
done
renditions=""
for v in live/hls/v*; do
  renditions="$renditions$(basename "$v");"
done

cat > live/live.ini <<EOF
# Read by p2pcdn-origin to serve /live/ (see tools/origin/README.md)
[live]
segment-duration=$SEG
segment-count=$LIVE_SEGMENTS

[hls]
renditions=$renditions

[dash]
representations=$reps
timescales=$timescales
EOF

echo "$CONTENT_VERSION" > "$STAMP"
cd /
if ! mv -T "$WORK" "$OUTDIR" 2>/dev/null; then
  # another run finished first: keep its copy if it is complete
  [ -f "$OUTDIR/$STAMP" ] || die "could not move $WORK to $OUTDIR"
  rm -rf "$WORK"
fi
trap - EXIT
(cd "$OUTDIR" && pwd)
