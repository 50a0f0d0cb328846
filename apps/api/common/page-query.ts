import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** The `cursor` query parameter of a keyset-paged list: the nextCursor its previous page answered. */
export const CursorQuery = () =>
  applyDecorators(
    ApiPropertyOptional({ description: 'nextCursor from the previous page' }),
    IsOptional(),
    IsString(),
    MaxLength(200),
  );

/** The `limit` query parameter of a paged list: 50 unless given, at most 200. */
export const PageLimitQuery = () =>
  applyDecorators(
    ApiPropertyOptional({ default: 50, maximum: 200 }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(200),
  );
