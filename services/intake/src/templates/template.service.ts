import { Injectable } from '@nestjs/common';
import type { commonV1, intakeV1 } from '@tradewarden/proto';

/** Named, versioned operation templates. */
@Injectable()
export class TemplateService {
  list(_actor: commonV1.Actor): Promise<intakeV1.ListTemplatesResponse> {
    throw new Error('TemplateService.list is being written');
  }

  get(_actor: commonV1.Actor, _request: intakeV1.GetTemplateRequest): Promise<intakeV1.GetTemplateResponse> {
    throw new Error('TemplateService.get is being written');
  }

  save(_actor: commonV1.Actor, _request: intakeV1.SaveTemplateRequest): Promise<intakeV1.SaveTemplateResponse> {
    throw new Error('TemplateService.save is being written');
  }
}
