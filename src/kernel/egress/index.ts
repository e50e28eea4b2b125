export { isAllowedAddress } from './address-ranges.ts';
export { checkDestination, isInternalName, isLoopbackUrl } from './host-names.ts';
export {
  EgressError,
  egressRequest,
  type EgressFailure,
  type EgressOptions,
  type EgressResponse,
  type Resolver,
} from './egress-request.ts';
