// Starts the page: the softphone on the hub at /one2one, with the sign-in token if the page was given one.

import { SignalingConnection } from "./signaling";
import { Softphone } from "./softphone";
import { takeTokenFromAddress } from "./token";
import { PhoneView } from "./ui";

export function startPage(): Softphone {
  return new Softphone(new SignalingConnection("/one2one", takeTokenFromAddress()), new PhoneView());
}
