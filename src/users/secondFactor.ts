import { randomBytes } from 'node:crypto';
import qrcode from 'qrcode-generator';
import type { SecondFactorStore } from '../store/secondFactor.js';
import { base32Encode, generateTotpSecret, matchTotp, otpauthUrl } from './totp.js';

const RECOVERY_CODES = 10;

/** 80 random bits as four groups of four base32 characters: easy to copy from paper. */
function recoveryCode(): string {
  return base32Encode(randomBytes(10)).match(/.{4}/g)!.join('-');
}

/** The enrolment QR code as an SVG an <img> or the DOM can show; medium error correction reads well from screens. */
export function qrSvg(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}

export interface Enrolment {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

export type CodeCheck = 'accepted' | 'invalid' | 'used';

/** Six digits: an authenticator app's code; anything else is taken as a recovery code. */
export const isTotpCode = (code: string): boolean => /^\d{6}$/.test(code.trim());

/** TOTP enrolment and code checks for one user, over the store. */
export function secondFactorService(store: SecondFactorStore, issuer: string) {
  return {
    /** A new pending secret; undefined when the user already has a confirmed one. */
    async enrol(userId: string, email: string): Promise<Enrolment | undefined> {
      const secret = generateTotpSecret();
      if (!(await store.setPending(userId, secret))) return undefined;
      const url = otpauthUrl(issuer, email, secret);
      return { secret, otpauthUrl: url, qrSvg: qrSvg(url) };
    },

    /** Confirms the pending secret with a first code; the recovery codes, or undefined when the code is wrong. */
    async confirm(userId: string, code: string): Promise<string[] | undefined> {
      const state = await store.get(userId);
      if (!state || state.confirmed) return undefined;
      const step = matchTotp(state.secret, code.trim(), Date.now());
      if (step === undefined) return undefined;
      const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
      await store.confirm(userId, step, codes);
      return codes;
    },

    /**
     * A current TOTP code not used before, or an unused recovery code (then spent), is accepted;
     * a TOTP code of a step already claimed, or a spent recovery code, is `used` (said as such:
     * the person has a right code, just one that has served). A TOTP code's step is claimed in the store, so it works once even across nodes.
     */
    async check(userId: string, code: string): Promise<CodeCheck> {
      const state = await store.get(userId);
      if (!state?.confirmed) return 'invalid';
      const trimmed = code.trim();
      if (isTotpCode(trimmed)) {
        const step = matchTotp(state.secret, trimmed, Date.now());
        if (step === undefined) return 'invalid';
        return (await store.claimStep(userId, step)) ? 'accepted' : 'used';
      }
      return store.useRecoveryCode(userId, trimmed);
    },

    async verify(userId: string, code: string): Promise<boolean> {
      return (await this.check(userId, code)) === 'accepted';
    },
  };
}

export type SecondFactorService = ReturnType<typeof secondFactorService>;
