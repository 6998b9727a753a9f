import { Global, Module } from '@nestjs/common';
import { BlindingCipher } from './blinding-cipher';
import { KeyCheckService } from './key-check.service';
import { KeyChecksRepository } from './key-checks.repository';

/** Declared in AppModule.forRoot, which provides the BlindingCipher from the resolved key. */
@Global()
@Module({
  providers: [KeyCheckService, KeyChecksRepository],
  exports: [KeyCheckService],
})
export class CryptoModule {}

export { BlindingCipher };
