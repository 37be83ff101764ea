/** The options every way of filing a complaint shares: what it is about, its kind and its category (Z21, Z35). */
import type { OptionSpec } from '../../command.js';
import { COMPLAINT_CATEGORIES } from '../../../sdk/types.js';

export const COMPLAINT_SUBJECT_OPTIONS: readonly OptionSpec[] = [
  { flags: '--dataset <id>', description: '数据集 the dataset complained about', required: true },
  { flags: '--grant <id>', description: '授权 the grant concerned' },
  {
    flags: '--kind <kind>',
    description: '类型 kind',
    choices: ['complaint', 'opinion'],
    defaultValue: 'complaint',
  },
  {
    flags: '--category <category>',
    description:
      '类别 Z21(1) open-attribute 开放属性 | (2) quality 质量 | (3) error 错误遗漏 | (4) unlawful-opening 违规开放 | Z35 rights 侵犯权益 | L17 security 安全风险',
    choices: [...COMPLAINT_CATEGORIES],
    required: true,
  },
];
