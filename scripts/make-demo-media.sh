#!/bin/sh
# Regenerates the demo media embedded by package media, and the small sample
# files its tests publish. The outputs are committed, so building lkdash never
# needs ffmpeg; run this only to change them.
#
# The committed files were made with Debian 12's ffmpeg 5.1.9-0+deb12u1
# (apt-get install ffmpeg), which brings libvpx, libx264 and libopus. Every input is synthetic (lavfi), so the output
# depends only on the encoder versions.
#
# Demo video: testsrc2 (colour bars, a moving gradient and a frame counter),
# 640x360 at 15 fps for 6 s, VP8 at ~250 kbit/s. A keyframe every second lets
# a subscriber who arrives mid-loop see a picture within a second, since a
# looping file cannot answer a picture-loss request with a fresh keyframe.
# Demo audio: a 440 Hz sine at ffmpeg's default amplitude (1/8, -18 dBFS),
# 6 s like the video, Opus 32 kbit/s mono in 20 ms frames, in Ogg.
# Samples (media/testdata): 5 s each at 320x180: VP9 in IVF at 15 fps, and
# H.264 Annex B at 30 fps (raw H.264 carries no frame timing, and the SDK's
# reader assumes 30 fps), constrained baseline (no B-frames) with SPS/PPS
# before every keyframe, as WebRTC wants; plus the sine in Opus.
set -eu

cd "$(dirname "$0")/../media"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

ff -f lavfi -i testsrc2=size=640x360:rate=15:duration=6 \
	-c:v libvpx -b:v 250k -minrate 250k -maxrate 250k -g 15 -keyint_min 15 \
	-auto-alt-ref 0 -lag-in-frames 0 -deadline good -cpu-used 2 \
	-pix_fmt yuv420p -f ivf demo.ivf
ff -f lavfi -i sine=frequency=440:sample_rate=48000:duration=6 \
	-c:a libopus -b:a 32k -ac 1 -frame_duration 20 -application audio demo.ogg

ff -f lavfi -i testsrc2=size=320x180:rate=15:duration=5 \
	-c:v libvpx-vp9 -b:v 150k -g 15 -keyint_min 15 -lag-in-frames 0 -deadline realtime -cpu-used 8 \
	-pix_fmt yuv420p -f ivf testdata/sample-vp9.ivf
ff -f lavfi -i testsrc2=size=320x180:rate=30:duration=5 \
	-c:v libx264 -profile:v baseline -preset veryfast -b:v 150k -g 30 -keyint_min 30 \
	-x264-params repeat-headers=1 -bsf:v h264_mp4toannexb -pix_fmt yuv420p -f h264 testdata/sample.h264
ff -f lavfi -i sine=frequency=440:sample_rate=48000:duration=5 \
	-c:a libopus -b:a 32k -ac 1 -frame_duration 20 testdata/sample.ogg

ffmpeg -hide_banner -version | head -n 1
ls -l demo.ivf demo.ogg testdata/
