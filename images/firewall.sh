#!/usr/bin/env bash
# Host firewall for the notebook network. Docker's --internal drops forwarded traffic only: without
# these INPUT rules a notebook container still reaches every host service listening on 0.0.0.0.
#   images/firewall.sh apply  [network] [allowed-host-port ...]   (default network: sandbox-internal)
#   images/firewall.sh remove [network] [allowed-host-port ...]
# Allowed ports are only needed when the hub or gateway runs on the host itself (make test-docker).
# Persist with nftables/systemd so the rules survive a dockerd restart.
set -euo pipefail
action=${1:?apply|remove}
network=${2:-sandbox-internal}
shift $(( $# >= 2 ? 2 : $# ))
ports=("$@")
bridge="br-$(docker network inspect -f '{{.Id}}' "$network" | cut -c1-12)"
metadata=169.254.169.254

rules=(
  "INPUT -i $bridge -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
)
for port in "${ports[@]}"; do
  rules+=("INPUT -i $bridge -p tcp --dport $port -j ACCEPT")
done
rules+=("INPUT -i $bridge -j DROP")

case "$action" in
  apply)
    position=1
    for rule in "${rules[@]}"; do
      # shellcheck disable=SC2086
      iptables -C $rule 2>/dev/null || iptables -I ${rule%% *} $position ${rule#* }
      position=$((position + 1))
    done
    iptables -C DOCKER-USER -i "$bridge" -d "$metadata" -j DROP 2>/dev/null \
      || iptables -I DOCKER-USER 1 -i "$bridge" -d "$metadata" -j DROP
    echo "firewall applied on $bridge (allowed host ports: ${ports[*]:-none})"
    ;;
  remove)
    for rule in "${rules[@]}"; do
      # shellcheck disable=SC2086
      while iptables -C $rule 2>/dev/null; do iptables -D $rule; done
    done
    while iptables -C DOCKER-USER -i "$bridge" -d "$metadata" -j DROP 2>/dev/null; do
      iptables -D DOCKER-USER -i "$bridge" -d "$metadata" -j DROP
    done
    echo "firewall removed from $bridge"
    ;;
  *) echo "usage: $0 apply|remove [network] [port ...]" >&2; exit 2 ;;
esac
