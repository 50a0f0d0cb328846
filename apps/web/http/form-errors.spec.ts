import type { Request } from 'express';
import { DomainError } from '@scrutiny/core';
import { validationErrors } from './form-errors';

const request = () => ({ headers: {} }) as Request;

describe('web form errors', () => {
  it("labels a service's field errors from the catalogue, and a field the form has no label for by its name", () => {
    const error = DomainError.validation([
      { field: 'narrative', message: 'narrative is required' },
      { field: 'query.area', message: 'is not a known area' },
    ]);
    expect(validationErrors(request(), error, (field) => `explorer.finding.labels.${field}.label`)).toEqual({
      narrative: { text: 'What the figures show is required' },
      'query.area': { text: 'query.area is not a known area' },
    });
  });

  it('rethrows anything but a validation failure, for the error page', () => {
    const refused = new DomainError('FORBIDDEN', 'no');
    expect(() => validationErrors(request(), refused, (field) => field)).toThrow(refused);
  });
});
