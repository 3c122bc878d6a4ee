#!/bin/bash
# srtprelay-ctl against the real module, inside a VM (run by tests/kmod/run-kernel.sh):
# the C netlink client and the libnftnl rule, checked by the kernel rather than by mocks.
set -u
BUILD=${BUILD:-build}
ctl_bin=$BUILD/srtprelay-ctl
ctl() { timeout 20 "$ctl_bin" "$@"; }
ctl=ctl
ep=$BUILD/tests/kmod/endpoint
fail=0
ok() { echo "PASS kmod.ctl.$1"; }
bad() { echo "FAIL kmod.ctl.$1"; fail=1; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

cleanup() {
	for ns in ctl-a ctl-r ctl-b; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT
modprobe srtprelay || { bad modprobe; exit 1; }
key=$(python3 -c 'import base64; print(base64.b64encode(bytes(range(30))).decode())')
gkey=$(python3 -c 'import base64; print(base64.b64encode(bytes(range(32, 76))).decode())')

$ctl flow flush
check flow_add $ctl flow add 10.20.0.1:31000 to 10.20.1.2:4000 from 10.20.1.1:31002 \
	expect 10.20.0.2 learn pt 0,8 cookie 77 \
	decrypt AES_CM_128_HMAC_SHA1_80 "inline:$key" encrypt AEAD_AES_256_GCM "inline:$gkey"
out=$($ctl flow show 10.20.0.1:31000)
check flow_show_names_suites grep -q 'AEAD_AES_256_GCM' <<<"$out"
json=$($ctl flow dump --json)
check dump_json_parses python3 -c 'import json,sys; f=[json.loads(l) for l in sys.stdin if l.strip()]; assert len(f)==1, f' <<<"$json"
check keys_never_printed bash -c "! grep -q '$key' <<<'$json$out'"
check stats_drivers bash -c "timeout 20 $ctl_bin stats | grep -qi aes"
check bad_key_refused bash -c "! timeout 20 $ctl_bin flow add 10.20.0.1:31004 to 10.20.1.2:4000 from 10.20.1.1:31002 decrypt AES_CM_128_HMAC_SHA1_80 inline:AAAA 2>/dev/null"
check flow_del $ctl flow del 10.20.0.1:31000
check flow_del_twice_fails bash -c "! timeout 20 $ctl_bin flow del 10.20.0.1:31000 2>/dev/null"

# a stream through a rule srtprelay-ctl installed, in a namespace of its own
ip netns add ctl-a && ip netns add ctl-r && ip netns add ctl-b
ip link add a0 netns ctl-a type veth peer r0 netns ctl-r
ip link add b0 netns ctl-b type veth peer r1 netns ctl-r
ip -n ctl-a addr add 10.20.0.2/24 dev a0 && ip -n ctl-r addr add 10.20.0.1/24 dev r0
ip -n ctl-r addr add 10.20.1.1/24 dev r1 && ip -n ctl-b addr add 10.20.1.2/24 dev b0
for x in "ctl-a a0" "ctl-r r0" "ctl-r r1" "ctl-b b0" "ctl-a lo" "ctl-r lo" "ctl-b lo"; do
	set -- $x
	ip -n "$1" link set "$2" up
done
ip -n ctl-a route add default via 10.20.0.1
ip -n ctl-b route add default via 10.20.1.1
r() { ip netns exec ctl-r "$@"; }
check nft_install r timeout 20 $ctl_bin nft install --ports 31000-31999
check nft_status r timeout 20 $ctl_bin nft status
check flow_add_in_netns r timeout 20 $ctl_bin flow add 10.20.0.1:31000 to 10.20.1.2:4000 from 10.20.1.1:31002 \
	decrypt AES_CM_128_HMAC_SHA1_80 "inline:$key"
hex=$(python3 -c 'print(bytes(range(30)).hex())')
ip netns exec ctl-b "$ep" recv none 00 10.20.1.2:4000 300 8000 >/tmp/ctl-recv.out &
rx=$!
sleep 0.5
ip netns exec ctl-a "$ep" send AES_CM_128_HMAC_SHA1_80 "$hex" 10.20.0.1:31000 5000 300 0x55
wait $rx
check relays_through_ctl_rule grep -q 'ok 300' /tmp/ctl-recv.out
check nft_remove r timeout 20 $ctl_bin nft remove
check nft_status_after_remove bash -c "ip netns exec ctl-r timeout 20 $ctl_bin nft status >/dev/null; [ \$? -eq 3 ]"
$ctl flow flush
exit $fail
