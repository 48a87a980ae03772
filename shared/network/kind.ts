/** Interface kinds from names and OS hints: the same rules for every reader. */
import type { InterfaceKind } from './types';

/** What the OS says about an interface besides its name. */
export interface KindHints {
  platform?: 'linux' | 'darwin' | 'win32';
  /** Linux link_type (ether, loopback, none, ppp) or linkinfo.info_kind (veth, tun, wireguard, bridge). */
  linkType?: string | null;
  infoKind?: string | null;
  /** The OS says this is a wireless interface (Linux /sys/class/net/X/wireless, or the Wi-Fi reader named it). */
  wireless?: boolean;
  loopback?: boolean;
  pointToPoint?: boolean;
}

const TUNNEL_NAME = /^(utun|tun|tap|ppp|wg|ipsec|gpd|tailscale|zt|nordlynx|wt\d|vti|gre|ip6tnl|ipip|sit\d|cscotun|vpn)/i;
const TUNNEL_KIND = new Set(['tun', 'tap', 'wireguard', 'ppp', 'ipip', 'gre', 'gretap', 'ip6gre', 'ip6tnl', 'vti', 'vti6', 'sit', 'xfrm']);
const VIRTUAL_NAME = /^(veth|docker|br-|virbr|vmnet|vboxnet|bridge|awdl|llw|p2p|anpi|ap\d|gif|stf|dummy|lxc|lxd|cni|flannel|cali|vxlan|macvlan|ipvlan|XHC|bond|team|ifb|podman|kube)/i;
const VIRTUAL_KIND = new Set(['veth', 'bridge', 'dummy', 'macvlan', 'macvtap', 'ipvlan', 'vxlan', 'bond', 'team', 'vrf', 'ifb', 'nlmon', 'geneve', 'netkit']);

/** Classifies an interface: VPN tunnel (utun/tun/tap/ppp/wg/ipsec), Wi-Fi, Ethernet, loopback or virtual. */
export function classifyInterface(name: string, hints: KindHints = {}): InterfaceKind {
  const infoKind = hints.infoKind?.toLowerCase() ?? null;
  const linkType = hints.linkType?.toLowerCase() ?? null;
  if (hints.loopback || linkType === 'loopback' || /^(lo|lo0)$/.test(name) || /loopback/i.test(name)) return 'loopback';
  if ((infoKind && TUNNEL_KIND.has(infoKind)) || linkType === 'ppp' || TUNNEL_NAME.test(name)) return 'vpn-tunnel';
  // Windows adapters are named by their driver or VPN client (sing-tun clients name theirs "<app>-tun").
  if (/tap-windows|wintun|wireguard|openvpn|\bvpn\b|anyconnect|globalprotect|[-_]tun\d*$/i.test(name)) return 'vpn-tunnel';
  if (hints.wireless) return 'wifi';
  if (infoKind && VIRTUAL_KIND.has(infoKind)) return 'virtual';
  if (VIRTUAL_NAME.test(name)) return 'virtual';
  // Windows aliases are words: "Wi-Fi", "WLAN", "Ethernet 2".
  if (/wi-?fi|wlan|wireless/i.test(name) && !/^wl[a-z0-9]/.test(name)) return 'wifi';
  if (/^(wl|wlan|wlp|wlx|ath|ra\d)/.test(name)) return 'wifi';
  if (/^en\d+$/.test(name) && (hints.platform ?? 'darwin') === 'darwin') return 'wifi-or-ethernet';
  if (/^(eth|en|eno|ens|enp|enx|em)\w*/.test(name) || /ethernet/i.test(name)) return 'ethernet';
  if (hints.pointToPoint && linkType === 'none') return 'vpn-tunnel';
  return 'other';
}

/** Kinds counted as tunnels in the "tunnel count over time" history. */
export function isTunnel(kind: InterfaceKind): boolean {
  return kind === 'vpn-tunnel';
}

/** The kind in the user's words, for tables and events. */
export function kindLabel(kind: InterfaceKind): string {
  switch (kind) {
    case 'wifi':
      return 'Wi-Fi';
    case 'ethernet':
      return 'Ethernet';
    case 'wifi-or-ethernet':
      return 'Wi-Fi or Ethernet';
    case 'vpn-tunnel':
      return 'VPN tunnel';
    case 'loopback':
      return 'loopback';
    case 'virtual':
      return 'virtual';
    default:
      return 'other';
  }
}
