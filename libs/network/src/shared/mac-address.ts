const macPattern = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Lower-case colon form; refuses multicast MACs (low bit of the first octet), which no NIC may own. */
export function normaliseMac(text: string): string | { error: string } {
  const mac = text.toLowerCase().replace(/-/g, ':');
  if (!macPattern.test(mac)) return { error: 'must be a MAC address such as 02:00:0a:00:00:05' };
  if (parseInt(mac.slice(0, 2), 16) & 1) return { error: 'must be a unicast MAC address' };
  return mac;
}

/**
 * A locally administered unicast MAC (02:...) derived from the VNI and address: unique within
 * Loom's subnets without any registry, and stable when a create is retried.
 */
export function generatedMac(l2Vni: number, address: number): string {
  const bytes = [0x02, (l2Vni >>> 8) & 0xff, l2Vni & 0xff];
  const tail = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).slice(1);
  return [...bytes, ...tail].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}
